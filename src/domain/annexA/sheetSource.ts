import type { RawRow } from './rawCell'

/** One sheet (or one CSV file) as a stream of rows, with the name used to hint which list it is. */
export interface SheetSource {
  name: string
  rows: AsyncIterable<RawRow>
}

/** How much of a file the readers have got through, for the progress page: characters of worksheet XML, or CSV records. */
export interface ReadProgress {
  read: number
  total: number
}
