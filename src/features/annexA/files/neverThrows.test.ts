import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import ExcelJS from 'exceljs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseDateText } from '../../../domain/annexA/parseDateCell'
import { validateAnnexAFile } from './validateAnnexAFile'

const L3 = [
  'Child Unique ID',
  'Gender',
  'Ethnicity',
  'Date of Birth',
  'Age of Child (Years)',
  'Date of referral',
  'Referral Source',
  'Referral NFA?',
  'Number of Referrals in Last 12 Months',
  'Allocated Team',
  'Allocated Worker',
]
const cell = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.date({ noInvalidDate: true }),
  fc.constant(null),
  fc.constantFrom('=1+1', '@SUM(A1)', '#N/A', '31/02/2024', '03/04/24', 'a) Male', 'N1'),
)

describe('the validator never throws', () => {
  it('on random bytes, whatever the extension', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'annex-a-prop-'))
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 2048 }),
        fc.constantFrom('x.xlsx', 'x.csv', 'x.bin', 'List 3.csv'),
        async (bytes, name) => {
          const path = join(dir, name)
          await writeFile(path, bytes)
          const result = await validateAnnexAFile(path, { notified: '2024-04-01' })
          expect(result.problems.every((p) => typeof p.message === 'string' && p.message.length > 0)).toBe(true)
        },
      ),
      { numRuns: 60 },
    )
  })

  it('on random bytes after a zip signature', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'annex-a-prop-'))
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), async (bytes) => {
        const path = join(dir, 'z.xlsx')
        await writeFile(path, Buffer.concat([Buffer.from('PK\u0003\u0004'), bytes]))
        const result = await validateAnnexAFile(path, { notified: '2024-04-01' })
        expect(result.readable).toBe(false)
      }),
      { numRuns: 40 },
    )
  })

  it('on random cells in a workbook', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'annex-a-prop-'))
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(cell, { maxLength: 13 }), { maxLength: 12 }), async (rows) => {
        const wb = new ExcelJS.Workbook()
        wb.addWorksheet('List 3').addRows([L3, ...rows])
        const path = join(dir, 'cells.xlsx')
        await wb.xlsx.writeFile(path)
        const result = await validateAnnexAFile(path, { notified: '2024-04-01' })
        expect(result.readable).toBe(true)
        for (const row of result.rows)
          for (const v of Object.values(row.values))
            expect(v === null || typeof v === 'string' || typeof v === 'number').toBe(true)
      }),
      { numRuns: 40 },
    )
  })

  it('on random CSV text', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'annex-a-prop-'))
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(fc.string(), { maxLength: 12 }), { maxLength: 10 }), async (rows) => {
        const path = join(dir, 'List 3.csv')
        await writeFile(path, [L3, ...rows].map((r) => r.join(',')).join('\n'))
        await validateAnnexAFile(path, { notified: '2024-04-01' })
      }),
      { numRuns: 60 },
    )
  })

  it('date parsing returns a valid date or a reason, never throws', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const parsed = parseDateText(s, false, 24)
        if (parsed.iso !== null) expect(parsed.iso).toMatch(/^\d{4}-\d{2}-\d{2}$/)
        else expect(parsed.reason.length).toBeGreaterThan(0)
      }),
    )
  })
})
