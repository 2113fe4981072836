import { describe, expect, it } from 'vitest'
import { sameOriginPath } from './returnAddress'

describe('sameOriginPath', () => {
  it('keeps a path on this site with its query', () => {
    expect(sameOriginPath('/evidence?agency=1')).toBe('/evidence?agency=1')
    expect(sameOriginPath('/inspections/abc/my-tasks')).toBe('/inspections/abc/my-tasks')
  })
  it.each([
    '//evil.example',
    '/\\evil.example',
    '/\\/evil.example',
    '\\\\evil.example',
    'https://evil.example/',
    'javascript:alert(1)',
    '',
    'evil',
    '/%5C%5Cevil',
    undefined,
    42,
  ])('sends %s home instead', (value) => {
    const path = sameOriginPath(value)
    expect(new URL(path, 'http://here.example').origin).toBe('http://here.example')
    if (typeof value !== 'string' || !value.startsWith('/') || value.includes('\\') || value.startsWith('//'))
      expect(path).toBe('/')
  })
})
