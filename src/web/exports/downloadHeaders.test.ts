import { describe, expect, it } from 'vitest'
import { contentDisposition } from './downloadHeaders'

describe('contentDisposition', () => {
  it('gives plain names as they are', () => {
    expect(contentDisposition('report.pdf')).toBe(`attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`)
  })

  it('gives an ASCII fallback and the exact UTF-8 name', () => {
    expect(contentDisposition('Café plan (v2).docx')).toBe(
      `attachment; filename="Cafe plan (v2).docx"; filename*=UTF-8''Caf%C3%A9%20plan%20%28v2%29.docx`,
    )
  })

  it('cannot be used to inject or split headers', () => {
    const header = contentDisposition('a"; filename="evil.exe\r\nSet-Cookie: x=1.pdf')
    expect(header).not.toMatch(/[\r\n]/)
    expect(header).toBe(
      `attachment; filename="a_; filename=_evil.exe__Set-Cookie: x=1.pdf"; filename*=UTF-8''a%22%3B%20filename%3D%22evil.exeSet-Cookie%3A%20x%3D1.pdf`,
    )
  })

  it('never leaves the fallback empty', () => {
    expect(contentDisposition('报告')).toBe(`attachment; filename="__"; filename*=UTF-8''%E6%8A%A5%E5%91%8A`)
    expect(contentDisposition('')).toBe(`attachment; filename="download"; filename*=UTF-8''`)
  })
})
