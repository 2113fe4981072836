import { fileURLToPath } from 'node:url'

/**
 * The sample workbooks offered on the upload page, shipped in reference/annex-a/samples: every ILACS list
 * for a few fictional children, first with the mistakes real exports have (#N/A lookups, a bad postcode,
 * blank required cells, formulas, children whose details disagree across lists), then the same children
 * cleaned, so nothing is left to correct or explain. The cleaned one is written by cleanSample.ts from
 * the first, never by hand.
 */
export const SAMPLE_WORKBOOK = fileURLToPath(
  new URL('../../../../reference/annex-a/samples/Annex_A_sample.xlsx', import.meta.url),
)
export const CLEAN_SAMPLE_WORKBOOK = fileURLToPath(
  new URL('../../../../reference/annex-a/samples/Annex_A_sample_cleaned.xlsx', import.meta.url),
)

/** The notification date both samples are checked against: their lists' periods end on it. */
export const SAMPLE_NOTIFIED = '2021-03-10'
