import type { IsoDate } from './isoDate'

/** A day that is not a working day for a reason other than the weekend. */
export interface Holiday {
  date: IsoDate
  title: string
}

/** A partnership's own closure day (e.g. an office closure between Christmas and New Year). */
export type ClosureDay = Holiday
