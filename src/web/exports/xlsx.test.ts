import ExcelJS from 'exceljs'
import express from 'express'
import request from 'supertest'
import { describe, expect, it } from 'vitest'
import { binary } from '../../../test/support/exports'
import { safeXlsxValue, sendXlsx, XLSX_MIME } from './xlsx'

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
