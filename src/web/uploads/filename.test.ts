import { describe, expect, it } from 'vitest'
import { MAX_FILENAME_LENGTH, sanitiseFilename } from './filename'

describe('sanitiseFilename', () => {
  it.each([
    ['Audit report.pdf', 'Audit report.pdf'],
    ['../../etc/passwd', 'passwd'],
    ['..\\..\\windows\\system32\\evil.docx', 'evil.docx'],
    ['/etc/shadow', 'shadow'],
    ['C:\\Users\\Jo\\Documents\\Plan v2.docx', 'Plan v2.docx'],
    ['..', 'document'],
    ['../', 'document'],
    ['', 'document'],
    ['   ', 'document'],
    ['...', 'document'],
    ['.htaccess', 'htaccess'],
    ['..hidden.txt', 'hidden.txt'],
    ['report.pdf. . ', 'report.pdf'],
    ['report\u0000.pdf.exe', 'report.pdf.exe'],
    ['line\r\nbreak.txt', 'line break.txt'],
    ['tab\there.csv', 'tab here.csv'],
    ['what?<is>this:"|*.csv', 'what__is_this____.csv'],
    ['invoice\u202Efdp.exe', 'invoicefdp.exe'],
    ['zero\u200Bwidth.png', 'zerowidth.png'],
    ['CON', '_CON'],
    ['nul.txt', '_nul.txt'],
    ['many    spaces.txt', 'many spaces.txt'],
  ])('%j → %j', (raw, expected) => {
    expect(sanitiseFilename(raw)).toBe(expected)
  })

  it('normalises to NFC so the same name always compares equal', () => {
    const decomposed = 'Cafe\u0301 notes.txt'
    expect(sanitiseFilename(decomposed)).toBe('Caf\u00e9 notes.txt')
    expect(sanitiseFilename(decomposed).length).toBe('Café notes.txt'.length)
  })

  it('keeps the extension when shortening a very long name', () => {
    const result = sanitiseFilename(`${'a'.repeat(300)}.docx`)
    expect(result).toHaveLength(MAX_FILENAME_LENGTH)
    expect(result.endsWith('a.docx')).toBe(true)
  })

  it('counts characters, not UTF-16 units, and never splits an emoji or leaves a trailing space', () => {
    const result = sanitiseFilename(`${'😀'.repeat(145)} ${'b'.repeat(20)}.pdf`)
    expect(Array.from(result)).toHaveLength(149)
    expect(result).toBe(`${'😀'.repeat(145)}.pdf`)
  })

  it('shortens a long name without an extension', () => {
    expect(sanitiseFilename('x'.repeat(500))).toBe('x'.repeat(MAX_FILENAME_LENGTH))
  })
})
