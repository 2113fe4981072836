import { ageInYears, longUkDate, minusMonths, ukDate } from './calendarDates'
import { CodeMatcher, type CodeLookup } from './codeMatcher'
import type { HeaderMatch } from './matchHeaders'
import { normaliseValue, withoutCodeLetter } from './normaliseText'
import { parseDateCell, type ParsedDate } from './parseDateCell'
import { BLANK, cellDisplay, type RawCell, type RawRow } from './rawCell'
import type { NormalisedRow, NormalisedValue } from './resultModel'
import type { ColumnSpec, ListSpec } from './specSchema'
import type { ValidationContext } from './validationContext'

const POSTCODE = /^([A-Z]{1,2}\d[A-Z\d]?) ?(\d[A-Z]{2})$/
/** Per-column caches keyed by RawCell stop growing here (values past it are still read, just not remembered). */
const CELL_CACHE_LIMIT = 20_000
const DOB = 'date_of_birth'
const AGE = 'age_of_child_years'
const SEX = 'gender'

interface BoundColumn {
  spec: ColumnSpec
  position: number
  matcher: CodeMatcher | null
  cache: Map<string, CodeLookup> | null
  /** The same lookups by RawCell identity (readers share cells between repeated values). */
  cellCache: Map<RawCell, CodeLookup>
  dateCache: Map<RawCell, ParsedDate>
  methodCounts: Partial<Record<string, number>> | null
  formulas: { count: number; firstRow: number }
  /** d/m vs m/d evidence for the column, resolved when the list ends. */
  ambiguous: Array<{ row: NormalisedRow; value: string; iso: string }>
  monthFirst: { count: number; example: string; row: number } | null
  /** Text dates that can only be day first (25/12/2023). */
  dayFirst: number
}

/** The other reading of an ambiguous date: 2024-04-03 (read day first from 03/04/2024) → 2024-03-04. */
function monthFirstReading(iso: string): string {
  return `${iso.slice(0, 4)}-${iso.slice(8, 10)}-${iso.slice(5, 7)}`
}

/** Validates one list's rows as they stream past, producing normalised rows and problems. */
export class ListValidator {
  readonly list: ListSpec
  readonly key: string
  readonly rowsByNumber = new Map<number, NormalisedRow>()
  rowsRead = 0
  private readonly columns: BoundColumn[]
  private readonly byId = new Map<string, BoundColumn>()
  /** Rows by a 53-bit hash of their cells as written: the first row with each hash, then any others. */
  private readonly seen = new Map<number, number>()
  private readonly seenAlso = new Map<number, number[]>()
  private readonly windowStart: string | null

  constructor(
    private readonly match: HeaderMatch,
    private readonly ctx: ValidationContext,
    readonly sheetName: string,
  ) {
    this.list = match.list
    this.key = match.list.key
    this.columns = []
    for (const spec of match.list.columns) {
      const position = match.positions.get(spec.id)
      if (position === undefined) continue
      const bound: BoundColumn = {
        spec,
        position,
        matcher: spec.codeList ? new CodeMatcher(spec.codeList) : null,
        cache: spec.codeList ? new Map() : null,
        cellCache: new Map(),
        dateCache: new Map(),
        methodCounts: spec.codeList ? (ctx.mappingMethods[`${this.key}/${spec.id}`] = {}) : null,
        formulas: { count: 0, firstRow: 0 },
        ambiguous: [],
        monthFirst: null,
        dayFirst: 0,
      }
      this.columns.push(bound)
      this.byId.set(spec.id, bound)
    }
    this.windowStart = match.list.period ? minusMonths(ctx.notified, match.list.period.months) : null
  }

  get headerRow(): number {
    return this.match.headerRow
  }

  /** Reports the header findings: missing, duplicate and unrecognised columns. */
  reportHeaders(): void {
    const { ctx, key } = this
    for (const c of this.match.missing) {
      ctx.add(c.required ? 'header.missing-required' : 'header.missing-optional', {
        list: key,
        row: this.match.headerRow,
        column: c.label,
        value: null,
        message: c.required
          ? `The required column "${c.label}" is missing from ${key}: add it (with this heading) and fill it in for every row.`
          : `The optional column "${c.label}" is missing from ${key}: add it if your system records it.`,
      })
    }
    for (const d of this.match.duplicates) {
      ctx.add('header.duplicate', {
        list: key,
        row: this.match.headerRow,
        column: d.column.label,
        value: d.header,
        message: `"${d.header}" is a second "${d.column.label}" column in ${key}: we used the first one; delete or rename the other.`,
      })
    }
    for (const u of this.match.unmatched) {
      ctx.add('header.unmatched', {
        list: key,
        row: this.match.headerRow,
        column: u.header,
        value: u.header,
        message: `The column "${u.header}" is not part of ${key} in the Annex A specification, so we ignored it: rename it if it is one of the expected columns.`,
      })
    }
  }

  /** Validates one data row (rows above the header must not be passed in). */
  processRow(raw: RawRow): void {
    const { ctx, key } = this
    let anyValue = false
    for (const c of this.columns) {
      const cell = raw.cells[c.position]
      if (cell && cell.kind !== 'blank') {
        anyValue = true
        break
      }
    }
    if (!anyValue) return
    this.rowsRead++
    ctx.rowRead(key)
    const values: Record<string, NormalisedValue> = {}
    const row: NormalisedRow = { list: key, row: raw.row, childId: null, values, errors: 0, queries: 0 }
    for (const c of this.columns) values[c.spec.id] = this.readCell(c, raw.cells[c.position] ?? { kind: 'blank' }, row)
    const childCol = this.list.childIdColumn
    if (childCol) {
      const id = values[childCol]
      row.childId = id === null || id === undefined ? null : String(id)
    }
    this.checkRow(row, raw)
    this.rowsByNumber.set(raw.row, row)
    ctx.rows.push(row)
  }

  private readCell(c: BoundColumn, cell: RawCell, row: NormalisedRow): NormalisedValue {
    const { ctx, key } = this
    const { spec } = c
    if (cell.formula) {
      if (cell.formula === 'no-result') {
        ctx.add(
          'cell.formula-no-result',
          {
            list: key,
            row: row.row,
            column: spec.label,
            value: null,
            message: `This cell has a formula Excel never calculated, so it has no value: open the workbook in Excel, let it recalculate, save and upload again (or type the value).`,
          },
          row,
        )
        return null
      }
      if (c.formulas.count++ === 0) c.formulas.firstRow = row.row
    }
    if (cell.kind === 'error') {
      ctx.add(
        'cell.excel-error',
        {
          list: key,
          row: row.row,
          column: spec.label,
          value: cell.text,
          message: `The cell shows the Excel error ${cell.text}: fix the formula or lookup that produced it, or type the ${spec.label} directly.`,
        },
        row,
      )
      return null
    }
    if (cell.kind === 'blank') {
      if (spec.required)
        ctx.add(
          'cell.required',
          {
            list: key,
            row: row.row,
            column: spec.label,
            value: null,
            message: `${spec.label} is required: fill it in for this row.`,
          },
          row,
        )
      return null
    }
    switch (spec.type) {
      case 'text':
        return cell.kind === 'number' && Number.isInteger(cell.value) ? String(cell.value) : cellDisplay(cell)
      case 'code':
      case 'text_or_code':
        return this.readCode(c, cell, row)
      case 'date':
        return this.readDate(c, cell, row)
      case 'integer':
        return this.readInteger(c, cell, row)
      case 'postcode': {
        const text = cellDisplay(cell).toUpperCase().replace(/\s+/g, ' ').trim()
        const m = POSTCODE.exec(text)
        // Both groups of POSTCODE always take part in a match.
        if (m) return `${m[1]!} ${m[2]!}`
        ctx.add(
          'cell.postcode',
          {
            list: key,
            row: row.row,
            column: spec.label,
            value: cellDisplay(cell),
            message: `"${cellDisplay(cell)}" is not a UK postcode: enter the placement's full postcode (e.g. SW1A 1AA), or the first part only if the placement is confidential.`,
          },
          row,
        )
        return null
      }
    }
  }

  private readCode(c: BoundColumn, cell: RawCell, row: NormalisedRow): NormalisedValue {
    const raw = cellDisplay(cell)
    const cache = c.cache
    const matcher = c.matcher
    if (!cache || !matcher) return raw
    // Readers share one RawCell between repeated values, so most lookups are by identity, without hashing text.
    let found = c.cellCache.get(cell) ?? cache.get(raw)
    if (!found) {
      const norm = normaliseValue(raw)
      const structural = matcher.matchStructural(norm)
      const seeded = structural ? null : this.ctx.seed.get(c.spec.id)?.get(norm)
      const remembered = structural || seeded ? null : this.ctx.remembered.get(c.spec.id)?.get(norm)
      found =
        structural ??
        (seeded
          ? { code: seeded, method: 'synonym' }
          : remembered
            ? { code: remembered, method: 'remembered' }
            : { code: null, method: 'unmapped' })
      cache.set(raw, found)
    }
    if (c.cellCache.size < CELL_CACHE_LIMIT) c.cellCache.set(cell, found)
    const counts = c.methodCounts
    if (counts) counts[found.method] = (counts[found.method] ?? 0) + 1
    if (found.code !== null) return found.code
    // Free text is a legitimate answer for "LA of placement"; only its special codes are mapped.
    if (c.spec.type === 'text_or_code') return raw
    this.noteUnmapped(c, raw, row)
    return null
  }

  private noteUnmapped(c: BoundColumn, raw: string, row: NormalisedRow): void {
    const { ctx, key } = this
    const norm = normaliseValue(raw)
    const groupKey = `${key}\u0000${c.spec.id}\u0000${norm}`
    let group = ctx.unmapped.get(groupKey)
    if (!group) {
      group = {
        list: key,
        columnId: c.spec.id,
        column: c.spec.label,
        value: raw,
        normalised: norm,
        count: 0,
        rows: [],
        codes: c.spec.codeList?.entries.map((e) => e.code) ?? [],
      }
      ctx.unmapped.set(groupKey, group)
    }
    group.count++
    if (group.rows.length < 20) group.rows.push(row.row)
    const example = c.spec.codeList?.entries[0]?.code ?? ''
    ctx.add(
      'cell.unmapped',
      {
        list: key,
        row: row.row,
        column: c.spec.label,
        value: raw,
        message: `"${raw}" is not one of the ${c.spec.label} codes: choose the matching code (such as "${example}") once for this value and it will be remembered for every row.`,
      },
      row,
    )
  }

  private readDate(c: BoundColumn, cell: RawCell, row: NormalisedRow): NormalisedValue {
    const { ctx, key } = this
    let parsed = c.dateCache.get(cell)
    if (parsed === undefined) {
      parsed = parseDateCell(cell, ctx.date1904, ctx.pivotYear)
      if (c.dateCache.size < CELL_CACHE_LIMIT) c.dateCache.set(cell, parsed)
    }
    if (parsed.iso !== null) {
      if (parsed.dayFirst) c.dayFirst++
      if (parsed.flags.length === 0) return parsed.iso
    }
    const raw = cellDisplay(cell)
    const base = { list: key, row: row.row, column: c.spec.label, value: raw }
    if (parsed.iso === null) {
      ctx.add('cell.date', { ...base, message: `${parsed.reason}: enter ${c.spec.label} as dd/mm/yyyy.` }, row)
      return null
    }
    for (const flag of parsed.flags) {
      if (flag === 'two-digit-year') {
        ctx.add(
          'cell.date-two-digit-year',
          {
            ...base,
            message: `"${raw}" has a two-digit year, which we read as ${ukDate(parsed.iso)} (${longUkDate(parsed.iso)}): check the century (and the day and month) and enter the full year (dd/mm/yyyy) to confirm.`,
          },
          row,
        )
      } else if (flag === 'month-first') {
        if (!c.monthFirst) c.monthFirst = { count: 0, example: raw, row: row.row }
        c.monthFirst.count++
        ctx.add(
          'cell.date-month-first',
          {
            ...base,
            message: `"${raw}" only makes sense month first, so we read it as ${longUkDate(parsed.iso)}: check it and re-enter it as dd/mm/yyyy.`,
          },
          row,
        )
      } else {
        c.ambiguous.push({ row, value: raw, iso: parsed.iso })
      }
    }
    return parsed.iso
  }

  private readInteger(c: BoundColumn, cell: RawCell, row: NormalisedRow): NormalisedValue {
    const { ctx, key } = this
    const n =
      cell.kind === 'number'
        ? cell.value
        : cell.kind === 'text' && /^-?\d+(\.\d+)?$/.test(cell.text.replace(/,/g, ''))
          ? Number(cell.text.replace(/,/g, ''))
          : NaN
    if (
      Number.isFinite(n) &&
      (Number.isInteger(n) || c.spec.allowDecimal) &&
      (c.spec.min === null || Math.floor(n) >= c.spec.min)
    )
      return Math.floor(n)
    const raw = cellDisplay(cell)
    const base = { list: key, row: row.row, column: c.spec.label, value: raw }
    if (!Number.isFinite(n) || (!Number.isInteger(n) && !c.spec.allowDecimal)) {
      ctx.add(
        'cell.integer',
        { ...base, message: `"${raw}" is not a whole number: enter ${c.spec.label} as a number such as 0, 1 or 2.` },
        row,
      )
      return null
    }
    const whole = Math.floor(n)
    if (c.spec.min !== null && whole < c.spec.min) {
      ctx.add(
        'cell.below-minimum',
        { ...base, message: `${c.spec.label} cannot be less than ${c.spec.min}: correct the number.` },
        row,
      )
      return null
    }
    return whole
  }

  private checkRow(row: NormalisedRow, raw: RawRow): void {
    const { ctx, key, list } = this
    const v = row.values
    const dob = typeof v[DOB] === 'string' ? v[DOB] : null
    const notified = ctx.notified
    let beforeBirthReported = false
    for (const c of this.columns) {
      if (c.spec.type !== 'date') continue
      const iso = v[c.spec.id]
      if (typeof iso !== 'string') continue
      if (c.spec.id === DOB) {
        if (iso > notified) {
          ctx.add(
            'dob.future',
            {
              list: key,
              row: row.row,
              column: c.spec.label,
              value: ukDate(iso),
              message: `The date of birth ${longUkDate(iso)} is after the notification date ${longUkDate(notified)}: correct it, or if this is an unborn child confirm the expected date of birth.`,
            },
            row,
          )
        }
        continue
      }
      if (iso > notified) {
        ctx.add(
          'date.after-notification',
          {
            list: key,
            row: row.row,
            column: c.spec.label,
            value: ukDate(iso),
            message: `${c.spec.label} ${longUkDate(iso)} is after the notification date ${longUkDate(notified)}: check the date.`,
          },
          row,
        )
      }
      if (dob && iso < dob && !beforeBirthReported) {
        beforeBirthReported = true
        ctx.add(
          'date.before-birth',
          {
            list: key,
            row: row.row,
            column: c.spec.label,
            value: ukDate(iso),
            message: `${c.spec.label} ${longUkDate(iso)} is before the date of birth ${longUkDate(dob)}: correct whichever is wrong (pre-birth work is possible, so check before changing).`,
          },
          row,
        )
      }
    }
    for (const [earlier, later] of list.dateOrder) {
      const a = v[earlier]
      const b = v[later]
      if (typeof a === 'string' && typeof b === 'string' && b < a) {
        const ca = this.byId.get(earlier)?.spec.label ?? earlier
        const cb = this.byId.get(later)?.spec.label ?? later
        ctx.add(
          'date.order',
          {
            list: key,
            row: row.row,
            column: cb,
            value: ukDate(b),
            message: `${cb} (${longUkDate(b)}) is before ${ca} (${longUkDate(a)}): correct whichever date is wrong.`,
          },
          row,
        )
      }
    }
    const age = v[AGE]
    if (dob && typeof age === 'number' && dob <= notified) {
      const expected = ageInYears(dob, notified)
      if (Math.abs(expected - age) > 1) {
        ctx.add(
          'age.mismatch',
          {
            list: key,
            row: row.row,
            column: this.byId.get(AGE)?.spec.label ?? 'Age',
            value: String(age),
            message: `Age ${age} does not match the date of birth ${longUkDate(dob)} (the child is ${expected} at the notification date): correct the age or the date of birth.`,
          },
          row,
        )
      }
    }
    this.checkPeriod(row)
    this.checkDuplicate(row, raw)
    this.checkChildIdentity(row, dob)
  }

  private checkPeriod(row: NormalisedRow): void {
    const { list, windowStart, ctx, key } = this
    const period = list.period
    if (!period || !windowStart || period.eventColumns.length === 0) return
    const v = row.values
    if (period.openWhenBlank.length > 0 && period.openWhenBlank.every((id) => this.byId.has(id) && v[id] === null))
      return
    let latest: string | null = null
    for (const id of period.eventColumns) {
      const iso = v[id]
      if (typeof iso === 'string' && (latest === null || iso > latest)) latest = iso
    }
    if (latest === null || latest >= windowStart) return
    const column = this.byId.get(period.eventColumns[0] ?? '')?.spec.label ?? null
    ctx.add(
      'period.outside',
      {
        list: key,
        row: row.row,
        column,
        value: ukDate(latest),
        message: `This row's latest date (${longUkDate(latest)}) is before ${longUkDate(windowStart)}, the start of the ${period.months}-month period for ${key}${period.openWhenBlank.length ? ', and it is closed' : ''}: remove the row, or correct the date if it is wrong.`,
      },
      row,
    )
  }

  /**
   * Two 32-bit hashes (FNV-1a and a multiply-xorshift) of the row's cells as written, separated so that
   * "ab","c" and "a","bc" differ, folded into one 53-bit number. Keeping a number per row instead of the
   * row's text saves building and retaining 100,000 long strings in a big list.
   */
  private rowHash(raw: RawRow): number {
    let h1 = 0x811c9dc5
    let h2 = 0x9747b28c
    for (const c of this.columns) {
      const text = cellDisplay(raw.cells[c.position] ?? BLANK)
      for (let i = 0; i <= text.length; i++) {
        const ch = i < text.length ? text.charCodeAt(i) : 0x10000
        h1 = Math.imul(h1 ^ ch, 16777619)
        h2 = Math.imul(h2 ^ ch, 0x5bd1e995)
        h2 ^= h2 >>> 15
      }
    }
    return (h1 >>> 0) * 2 ** 21 + (h2 >>> 11)
  }

  /** Same values in every column; with equal hashes this rules out a hash collision. */
  private sameValues(a: NormalisedRow, b: NormalisedRow): boolean {
    for (const c of this.columns) if (a.values[c.spec.id] !== b.values[c.spec.id]) return false
    return true
  }

  private checkDuplicate(row: NormalisedRow, raw: RawRow): void {
    const hash = this.rowHash(raw)
    const first = this.seen.get(hash)
    if (first === undefined) {
      this.seen.set(hash, row.row)
      return
    }
    const candidates = [first, ...(this.seenAlso.get(hash) ?? [])]
    const earlier = candidates.find((n) => {
      const other = this.rowsByNumber.get(n)
      return other !== undefined && this.sameValues(other, row)
    })
    if (earlier === undefined) {
      // A collision between different rows (about one in a million workbooks): remember this one too.
      this.seenAlso.set(hash, [...(this.seenAlso.get(hash) ?? []), row.row])
      return
    }
    this.ctx.add(
      'row.duplicate',
      {
        list: this.key,
        row: row.row,
        column: null,
        value: null,
        message: `This row is identical to row ${earlier}: delete one of them (or, if both are real, check what should differ).`,
      },
      row,
    )
  }

  private checkChildIdentity(row: NormalisedRow, dob: string | null): void {
    const id = row.childId
    if (!id || !this.list.childIdColumn) return
    const sexValue = row.values[SEX]
    const sex = typeof sexValue === 'string' ? sexValue : null
    const known = this.ctx.children.get(id)
    if (!known) {
      this.ctx.children.set(id, { dob, sex, list: this.key, row: row.row })
      return
    }
    if (!known.dob && dob) known.dob = dob
    if (!known.sex && sex) known.sex = sex
    if (!(dob && known.dob && dob !== known.dob) && !(sex && known.sex && sex !== known.sex)) return
    const where = known.list === this.key ? `row ${known.row}` : `${known.list} row ${known.row}`
    if (dob && known.dob && dob !== known.dob) {
      this.ctx.add(
        'child.inconsistent-dob',
        {
          list: this.key,
          row: row.row,
          column: this.byId.get(DOB)?.spec.label ?? 'Date of Birth',
          value: ukDate(dob),
          message: `Child ${id} has date of birth ${longUkDate(dob)} here but ${longUkDate(known.dob)} in ${where}: correct whichever is wrong so the child matches across lists.`,
        },
        row,
      )
    }
    if (sex && known.sex && sex !== known.sex) {
      this.ctx.add(
        'child.inconsistent-sex',
        {
          list: this.key,
          row: row.row,
          column: this.byId.get(SEX)?.spec.label ?? 'Gender',
          value: sex,
          message: `Child ${id} is recorded as ${withoutCodeLetter(sex)} here but ${withoutCodeLetter(known.sex)} in ${where}: correct whichever is wrong so the child matches across lists.`,
        },
        row,
      )
    }
  }

  /**
   * Column-level findings that need the whole list: formula summaries and day/month ambiguity.
   * A date such as 03/04/2024 is read day first (the UK order) and queried unless that order is settled:
   * by its own column (a day above 12, e.g. 25/12/2023, and no month-first date) or, when the column has
   * neither, by the rest of the list (day-first dates and no month-first date anywhere in it).
   */
  finish(): void {
    const { ctx, key } = this
    const listMonthFirst = this.columns.find((c) => c.monthFirst)?.monthFirst ?? null
    const listDayFirst = this.columns.some((c) => c.dayFirst > 0)
    for (const c of this.columns) {
      if (c.formulas.count > 0) {
        ctx.add('cell.formula', {
          list: key,
          row: c.formulas.firstRow,
          column: c.spec.label,
          value: null,
          message: `${c.formulas.count} cell${c.formulas.count === 1 ? '' : 's'} in ${c.spec.label} (first at row ${c.formulas.firstRow}) ${c.formulas.count === 1 ? 'is a formula' : 'are formulas'}: we used the values Excel last calculated; paste them as values before sending to Ofsted.`,
        })
      }
      // A column with month-first dates makes its ambiguous dates doubtful; otherwise they are only asked
      // about when nothing in the column or the list settles the order (reading them day first is a guess).
      const monthFirst = c.monthFirst
      let message: ((a: { value: string; iso: string }) => string) | null = null
      if (monthFirst) {
        message = (a) =>
          `"${a.value}" could be day/month or month/day, and this column also has month-first dates (e.g. "${monthFirst.example}" in row ${monthFirst.row}); we read it as ${ukDate(a.iso)} (${longUkDate(a.iso)}): check it and re-enter it as dd/mm/yyyy.`
      } else if (c.dayFirst === 0 && !(listDayFirst && !listMonthFirst)) {
        const why = listMonthFirst
          ? `this list has dates written both day first and month first (e.g. "${listMonthFirst.example}" in row ${listMonthFirst.row})`
          : `no date in this list settles which (none is written with a day above 12, such as 25/12/2023)`
        message = (a) =>
          `"${a.value}" could be day/month or month/day, and ${why}; we read it day first, as ${longUkDate(a.iso)}: check that against your system and correct it if it is really ${longUkDate(monthFirstReading(a.iso))}.`
      }
      if (message) {
        for (const a of c.ambiguous)
          ctx.add(
            'cell.date-ambiguous',
            { list: key, row: a.row.row, column: c.spec.label, value: a.value, message: message(a) },
            a.row,
          )
      }
      c.ambiguous = []
      c.cellCache.clear()
      c.dateCache.clear()
    }
    this.seen.clear()
    this.seenAlso.clear()
  }
}
