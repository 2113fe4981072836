import ExcelJS from 'exceljs'
import express from 'express'
import request from 'supertest'
import { describe, expect, it } from 'vitest'
import { binary } from '../../../test/support/exports'
import {
  safeXlsxValue,
  sendXlsx,
  setXlsxDateCell,
  setXlsxDateTimeCell,
  XLSX_DATE_FORMAT,
  XLSX_DATE_TIME_FORMAT,
  XLSX_MIME,
  xlsxDate,
  xlsxDateTime,
} from './xlsx'

const arrayBuffer = (b: Buffer): ArrayBuffer => new Uint8Array(b).buffer

describe('safeXlsxValue', () => {
  it('neutralises text a spreadsheet would run as a formula', () => {
    expect(safeXlsxValue('=WEBSERVICE("http://x")')).toBe('\'=WEBSERVICE("http://x")')
    expect(safeXlsxValue('+1')).toBe("'+1")
    expect(safeXlsxValue('-1')).toBe("'-1")
    expect(safeXlsxValue('@A1')).toBe("'@A1")
    expect(safeXlsxValue('\tx')).toBe("'\tx")
    expect(safeXlsxValue('\rx')).toBe("'\rx")
    expect(safeXlsxValue('Harmless')).toBe('Harmless')
  })

  it('keeps numbers, booleans and dates typed, and blanks as null', () => {
    const date = new Date('2025-01-02T00:00:00Z')
    expect(safeXlsxValue(-1)).toBe(-1)
    expect(safeXlsxValue(false)).toBe(false)
    expect(safeXlsxValue(date)).toBe(date)
    expect(safeXlsxValue(Number.POSITIVE_INFINITY)).toBeNull()
    expect(safeXlsxValue(undefined)).toBeNull()
  })

  it('cuts text to the 32,767 characters Excel allows', () => {
    expect((safeXlsxValue('x'.repeat(40_000)) as string).length).toBe(32_767)
  })
})

describe('xlsxDate and xlsxDateTime', () => {
  it('gives a calendar date as UTC midnight of that date', () => {
    expect(xlsxDate('2026-12-02')).toEqual(new Date('2026-12-02T00:00:00Z'))
    expect(xlsxDate(null)).toBeNull()
    expect(xlsxDate('2026-02-30')).toBeNull()
    expect(xlsxDate('not a date')).toBeNull()
  })

  it('takes an instant as its date on UK clocks (British Summer Time included)', () => {
    // 23:30 UTC on 1 June is 00:30 on 2 June in London.
    expect(xlsxDate(new Date('2026-06-01T23:30:00Z'))).toEqual(new Date('2026-06-02T00:00:00Z'))
    expect(xlsxDate('2026-06-01T23:30:00Z')).toEqual(new Date('2026-06-02T00:00:00Z'))
    // In winter London is on UTC.
    expect(xlsxDate(new Date('2026-12-01T23:30:00Z'))).toEqual(new Date('2026-12-01T00:00:00Z'))
  })

  it('gives an instant as the time on UK clocks', () => {
    expect(xlsxDateTime(new Date('2026-06-01T08:05:00Z'))).toEqual(new Date('2026-06-01T09:05:00Z'))
    expect(xlsxDateTime('2026-12-02T09:05:00Z')).toEqual(new Date('2026-12-02T09:05:00Z'))
    expect(xlsxDateTime(undefined)).toBeNull()
  })
})

describe('sendXlsx', () => {
  function app(build: Parameters<typeof sendXlsx>[2]): express.Express {
    const server = express()
    server.get('/export', async (_req, res) => {
      await sendXlsx(res, 'Annex A.xlsx', build)
    })
    return server
  }

  it('streams a workbook that Excel (here exceljs) can open', async () => {
    const res = await request(
      app((workbook) => {
        const sheet = workbook.addWorksheet('Audit')
        sheet.addRow(['Question', 'Answer']).commit()
        sheet.addRow([safeXlsxValue('=1+1'), safeXlsxValue(42)]).commit()
      }),
    )
      .get('/export')
      .buffer(true)
      .parse(binary)
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe(XLSX_MIME)
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="Annex A.xlsx"; filename*=UTF-8''Annex%20A.xlsx`,
    )
    expect(res.headers['x-content-type-options']).toBe('nosniff')
    expect(res.headers['cache-control']).toBe('no-store')

    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(arrayBuffer(res.body as Buffer))
    const sheet = workbook.getWorksheet('Audit')
    expect(sheet?.getRow(2).getCell(1).value).toBe("'=1+1")
    expect(sheet?.getRow(2).getCell(2).value).toBe(42)
  })

  it('writes real date cells that show "2 December 2026"', async () => {
    const res = await request(
      app((workbook) => {
        const sheet = workbook.addWorksheet('Dates')
        const row = sheet.addRow([])
        setXlsxDateCell(row.getCell(1), '2026-12-02')
        setXlsxDateTimeCell(row.getCell(2), new Date('2026-06-01T08:05:00Z'))
        setXlsxDateCell(row.getCell(3), null)
        row.commit()
      }),
    )
      .get('/export')
      .buffer(true)
      .parse(binary)
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(arrayBuffer(res.body as Buffer))
    const row = workbook.getWorksheet('Dates')?.getRow(1)
    expect(row?.getCell(1).value).toEqual(new Date('2026-12-02T00:00:00Z'))
    expect(row?.getCell(1).numFmt).toBe(XLSX_DATE_FORMAT)
    expect(row?.getCell(2).value).toEqual(new Date('2026-06-01T09:05:00Z'))
    expect(row?.getCell(2).numFmt).toBe(XLSX_DATE_TIME_FORMAT)
    expect(row?.getCell(3).value).toBeNull()
  })

  it('streams a workbook larger than the hold-back buffer', async () => {
    const res = await request(
      app(async (workbook) => {
        const sheet = workbook.addWorksheet('Big')
        for (let i = 0; i < 30_000; i++) sheet.addRow([i, safeXlsxValue(`row ${i} ${'x'.repeat(20)}`)]).commit()
      }),
    )
      .get('/export')
      .buffer(true)
      .parse(binary)
    expect(res.status).toBe(200)
    expect((res.body as Buffer).length).toBeGreaterThan(256 * 1024)
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(arrayBuffer(res.body as Buffer))
    expect(workbook.getWorksheet('Big')?.rowCount).toBe(30_000)
  })

  it('sends an ordinary error page, not a download, when building fails before any bytes', async () => {
    const server = app(() => {
      throw new Error('database down')
    })
    server.use((_error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(500).type('text').send('Sorry, there is a problem with the service')
    })
    const res = await request(server).get('/export')
    expect(res.status).toBe(500)
    expect(res.headers['content-disposition']).toBeUndefined()
    expect(res.text).toBe('Sorry, there is a problem with the service')
  })
})
