import express from 'express'
import request from 'supertest'
import { describe, expect, it } from 'vitest'
import { csvCell, sendCsv, toCsv } from './csv'
import { binary } from '../../../test/support/exports'

describe('csvCell', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+44 20 7946 0000', "'+44 20 7946 0000"],
    ['-2', "'-2"],
    ['@SUM(A1:A2)', "'@SUM(A1:A2)"],
    ['\tindent', "'\tindent"],
    ['\r=cmd', '"\'\r=cmd"'],
    ['=HYPERLINK("http://x","y")', '"\'=HYPERLINK(""http://x"",""y"")"'],
    ['plain', 'plain'],
    ['a, b', '"a, b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['a = b', 'a = b'],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(csvCell(input)).toBe(expected)
  })

  it('writes numbers, booleans, dates and blanks as values, not text', () => {
    expect(csvCell(-5)).toBe('-5')
    expect(csvCell(3.25)).toBe('3.25')
    expect(csvCell(Number.NaN)).toBe('')
    expect(csvCell(10n)).toBe('10')
    expect(csvCell(true)).toBe('true')
    expect(csvCell(new Date('2025-03-01T09:30:00Z'))).toBe('2025-03-01T09:30:00.000Z')
    expect(csvCell(null)).toBe('')
    expect(csvCell(undefined)).toBe('')
  })
})

describe('toCsv', () => {
  it('starts with a BOM and ends every record with CRLF', () => {
    expect(
      toCsv([
        ['Child', 'Agency'],
        ['A', '=evil()'],
      ]),
    ).toBe("\uFEFFChild,Agency\r\nA,'=evil()\r\n")
  })

  it('can leave the BOM out', () => {
    expect(toCsv([['x']], { bom: false })).toBe('x\r\n')
  })
})

describe('sendCsv', () => {
  it('streams rows as a CSV attachment', async () => {
    const app = express()
    app.get('/export', async (_req, res) => {
      async function* rows() {
        yield ['Name', 'Note']
        yield ['Zoë', '-1 day']
      }
      await sendCsv(res, 'Audit – March.csv', rows())
    })
    const res = await request(app).get('/export').buffer(true).parse(binary)
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8')
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="Audit _ March.csv"; filename*=UTF-8''Audit%20%E2%80%93%20March.csv`,
    )
    expect(res.headers['x-content-type-options']).toBe('nosniff')
    expect(res.headers['cache-control']).toBe('no-store')
    expect((res.body as Buffer).toString('utf8')).toBe("\uFEFFName,Note\r\nZoë,'-1 day\r\n")
  })
})
