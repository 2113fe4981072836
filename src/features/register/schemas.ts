import { z } from 'zod'
import { optionalText } from '../../web/forms'

/** A filter carried through the search form as a hidden field; the register checks its value again. */
const hiddenFilter = z.string().max(200).optional()

/** Searching the register by Child Unique ID (whole or its first characters); the filters come along. */
export const registerSearchSchema = z.strictObject({
  childId: z
    .string()
    .max(50, 'A Child Unique ID is at most 50 characters. Enter the ID, or its first characters')
    .optional()
    .pipe(optionalText(50)),
  action: z.enum(['search', 'clear']).optional(),
  list: hiddenFilter,
  legalStatus: hiddenFilter,
  ethnicity: hiddenFilter,
  disability: hiddenFilter,
  age: hiddenFilter,
  theme: hiddenFilter,
})
/** The search form's fields in page order, for the error summary. */
export const REGISTER_SEARCH_FIELDS = ['childId']
