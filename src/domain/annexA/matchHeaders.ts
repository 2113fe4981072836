import { headerForPattern, normaliseHeader } from './normaliseText'
import { cellDisplay, type RawRow } from './rawCell'
import type { ColumnSpec, ListLibrary, ListSpec } from './specSchema'

export interface HeaderMatch {
  list: ListSpec
  /** Spreadsheet row number of the header row. */
  headerRow: number
  /** Column id → 0-based cell position. */
  positions: Map<string, number>
  unmatched: Array<{ position: number; header: string }>
  duplicates: Array<{ position: number; header: string; column: ColumnSpec }>
  missing: ColumnSpec[]
}

/** Matches one row of headers to a list's columns: exact alias first, then the spec's header patterns. */
export function matchHeaders(headers: string[], list: ListSpec): Omit<HeaderMatch, 'headerRow' | 'list'> {
  const positions = new Map<string, number>()
  const claimed = new Set<number>()
  const duplicates: HeaderMatch['duplicates'] = []
  const normalised = headers.map(normaliseHeader)
  normalised.forEach((h, position) => {
    if (!h) return
    const column = list.columns.find((c) => c.aliases.includes(h))
    if (!column) return
    claimed.add(position)
    if (positions.has(column.id)) duplicates.push({ position, header: headers[position] ?? '', column })
    else positions.set(column.id, position)
  })
  // Patterns only for what exact matching left over, so a broad pattern like /age/ cannot steal "Date of Birth".
  for (const column of list.columns) {
    if (positions.has(column.id) || column.patterns.length === 0) continue
    const position = headers.findIndex(
      (h, i) => !claimed.has(i) && normalised[i] !== '' && column.patterns.some((p) => p.test(headerForPattern(h))),
    )
    if (position >= 0) {
      positions.set(column.id, position)
      claimed.add(position)
    }
  }
  const unmatched = headers.flatMap((header, position) =>
    normalised[position] && !claimed.has(position) ? [{ position, header }] : [],
  )
  const missing = list.columns.filter((c) => !positions.has(c.id))
  return { positions, unmatched, duplicates, missing }
}

/** "List 3", "list_3_referrals", "L3 Referrals", "Annex A - List 10" → 3 / 10; null when the name says nothing. */
export function listNumberFromName(name: string): number | null {
  const m = /(?:^|[^a-z])(?:list|l)[\s_\-.]*(\d{1,2})(?!\d)/i.exec(name)
  return m ? Number(m[1]) : null
}

const HEADER_SEARCH_ROWS = 30

/**
 * Finds the header row (below any title rows) and the list it belongs to. The list with most matched columns wins;
 * the sheet's name breaks near-ties because lists 3–8 share their first columns.
 * Returns null when none of the first rows looks like Annex A headers.
 */
export function detectHeader(
  rows: RawRow[],
  library: ListLibrary,
  sheetName: string,
): { match: HeaderMatch; nameDisagrees: boolean } | null {
  const hinted = listNumberFromName(sheetName)
  const hintedByTitle = library.lists.find(
    (l) => l.number === null && normaliseHeader(sheetName).includes(normaliseHeader(l.title)),
  )
  for (const raw of rows.slice(0, HEADER_SEARCH_ROWS)) {
    const headers = raw.cells.map((c) => (c.kind === 'text' ? c.text : c.kind === 'blank' ? '' : cellDisplay(c)))
    const nonEmpty = headers.filter((h) => h.trim() !== '').length
    if (nonEmpty < 2) continue
    const scored = library.lists.map((list) => ({ list, result: matchHeaders(headers, list) }))
    scored.sort(
      (a, b) =>
        b.result.positions.size - a.result.positions.size || a.result.unmatched.length - b.result.unmatched.length,
    )
    const best = scored[0]
    if (!best) return null
    const score = best.result.positions.size
    if (score < 3 && !(score >= 2 && score >= nonEmpty * 0.5)) continue
    const named = scored.find((s) => (hinted !== null && s.list.number === hinted) || s.list === hintedByTitle)
    const useNamed = named && named.result.positions.size >= score * 0.8
    const chosen = useNamed ? named : best
    return {
      match: { list: chosen.list, headerRow: raw.row, ...chosen.result },
      nameDisagrees: (hinted !== null || hintedByTitle !== undefined) && !useNamed,
    }
  }
  return null
}
