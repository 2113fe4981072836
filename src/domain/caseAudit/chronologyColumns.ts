import { matchHeaders } from '../annexA/matchHeaders'
import { normaliseHeader } from '../annexA/normaliseText'
import { cellDisplay, type RawCell } from '../annexA/rawCell'
import type { ColumnSpec, ListSpec } from '../annexA/specSchema'

/**
 * The columns of an agency's chronology of significant events, and how their headings are recognised:
 * the Annex A header matching (case, spacing and punctuation ignored; exact spellings first, then the
 * patterns for what is left), with the chronology's own spellings.
 */
export type ChronologyColumn =
  'date' | 'time' | 'description' | 'recordedBy' | 'system' | 'significance' | 'actionTaken' | 'agency'

function column(id: ChronologyColumn, label: string, aliases: string[], patterns: RegExp[] = []): ColumnSpec {
  return {
    id,
    label,
    type: 'text',
    required: id === 'date' || id === 'description',
    aliases: aliases.map(normaliseHeader),
    patterns,
    codeList: null,
    min: null,
    allowDecimal: false,
  }
}

const CHRONOLOGY: ListSpec = {
  key: 'Chronology',
  number: null,
  title: 'Chronology of significant events',
  scope: '',
  columns: [
    column(
      'date',
      'Date',
      ['date', 'date of event', 'event date', 'date of incident', 'date and time', 'date time', 'date/time', 'when'],
      [/^date\b/i],
    ),
    column('time', 'Time', ['time', 'time of event', 'event time', 'time of incident'], [/^time\b/i]),
    column(
      'description',
      'What happened',
      [
        'what happened',
        'event',
        'events',
        'details',
        'description',
        'event details',
        'details of event',
        'event description',
        'description of event',
        'significant event',
        'summary',
      ],
      [/what happened/i, /\bdetails\b/i, /\bdescription\b/i],
    ),
    column('recordedBy', 'Recorded by', ['recorded by', 'who recorded', 'who recorded it', 'author', 'recorder']),
    column('system', 'System', ['system', 'recording system', 'system recorded in', 'source system', 'recorded in']),
    column(
      'significance',
      'Significance for the child',
      ['significance', 'significance for the child', 'significance to the child', 'impact on the child'],
      [/significan/i],
    ),
    column('actionTaken', 'Action taken', ['action taken', 'actions taken', 'action', 'actions', 'outcome']),
    column('agency', 'Agency', ['agency', 'organisation', 'organization', 'agency name', 'organisation name']),
  ],
  period: null,
  dateOrder: [],
  childIdColumn: null,
  specVersion: '',
}

/** A chronology's heading row: where each recognised column is, and each heading as the file writes it. */
export interface ChronologyHeader {
  positions: Map<ChronologyColumn, number>
  /** The heading text by 0-based position, for problems ("Event date", as the agency wrote it). */
  headings: string[]
}

const headingText = (cell: RawCell): string => cellDisplay(cell).trim()

/**
 * The heading row's columns when `cells` is one (it names at least a date and what happened), else null:
 * the rows above it are title rows.
 */
export function chronologyHeader(cells: readonly RawCell[]): ChronologyHeader | null {
  const headings = cells.map(headingText)
  if (headings.filter(Boolean).length < 2) return null
  const { positions } = matchHeaders(headings, CHRONOLOGY)
  if (!positions.has('date') || !positions.has('description')) return null
  return { positions: positions as Map<ChronologyColumn, number>, headings }
}

/**
 * The agency named by a file's name when the file has no Agency column: the name without its folder and
 * extension, underscores, hyphens and dots as spaces, the word "chronology" dropped, spaces collapsed,
 * the case as written ("police.xlsx" → "police", "Health_visiting-chronology.csv" → "Health visiting").
 * A name that is nothing but "chronology" stays as it is.
 */
export function agencyFromFileName(fileName: string): string {
  const base = (fileName.split(/[\\/]/).pop() ?? fileName).replace(/\.[^.]+$/, '')
  const spaced = base.replace(/[_\-.\s]+/g, ' ').trim()
  const tidied = spaced
    .replace(/\bchronolog(?:y|ies)\b/gi, ' ')
    .replace(/\s+/g, ' ')
    .trim()
  return tidied || spaced || base
}
