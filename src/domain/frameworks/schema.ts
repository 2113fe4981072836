import { z } from 'zod'
import { isIsoDate } from '../calendar/isoDate'
import { annexASpecFileSchema } from '../annexA/specSchema'
import { AGENCY_TYPES } from '../directory'
import { kebabIdSchema, timelineTemplateSchema } from '../timeline/template'

const text = z.string().trim().min(1, 'should not be empty')
const agencyType = z.enum(AGENCY_TYPES)

/**
 * The Annex A lists an inspection under a framework asks for, e.g. for a JTAI: referrals (ILACS "List 3"),
 * section 47 enquiries ("List 5"), school-age children not in full-time education and the theme cohort, each by
 * its key: "List N" for an ILACS list, a theme list's name (a key of `annexAThemeLists`) otherwise. The theme
 * cohort is marked, with the column that flags why a child is in it. Accepting every list asked for marks the
 * timeline milestone `producedMilestone` done. Without this block an import is checked against ILACS lists 1–11.
 */
export const annexARequestSchema = z.strictObject({
  requiredLists: z
    .array(
      z.strictObject({
        list: text,
        /** The framework's theme cohort (e.g. children at risk of criminal exploitation); at most one list. */
        themeCohort: z.boolean().optional(),
        /** The cohort list's column that flags the theme (e.g. "Risk type"); only with themeCohort. */
        flagColumn: text.optional(),
      }),
    )
    .min(1),
  /** The timeline milestone that accepting every list asked for marks done, e.g. "annex-a-produced". */
  producedMilestone: kebabIdSchema.optional(),
})
export type AnnexARequest = z.output<typeof annexARequestSchema>

const rangeSchema = z
  .strictObject({ min: z.number().int().min(1), max: z.number().int().min(1) })
  .refine((r) => r.min <= r.max, { error: 'should have min no greater than max', path: ['max'] })

/**
 * The multi-agency audit tool each agency completes for each child chosen for audit: its sections, each
 * answered with what worked well, areas for development and recommendations, and a grading. Ids are unique.
 */
export const auditToolSchema = z.strictObject({
  sections: z
    .array(z.strictObject({ id: kebabIdSchema, title: text, hint: z.string().trim().min(1).optional() }))
    .min(1)
    .refine((ss) => new Set(ss.map((x) => x.id)).size === ss.length, 'should not repeat a section id'),
})
export type AuditToolDefinition = z.output<typeof auditToolSchema>

/**
 * The sections partnerships' multi-agency audit tools use, for an inspection whose framework (as it
 * was when the inspection started) has no `auditTool` of its own.
 */
export const DEFAULT_AUDIT_TOOL: AuditToolDefinition = {
  sections: [
    {
      id: 'need-and-risk',
      title: 'Identification of need and risk',
      hint: 'How well the child’s needs and risks were recognised, and how quickly',
    },
    {
      id: 'assessment-and-planning',
      title: 'Assessment and planning',
      hint: 'The quality of assessments and plans, and whether they reflect the child’s needs',
    },
    {
      id: 'multi-agency-working',
      title: 'Multi-agency working and information sharing',
      hint: 'How well your agency worked and shared information with the other agencies',
    },
    {
      id: 'voice-of-the-child',
      title: 'Voice and lived experience of the child',
      hint: 'How the child’s wishes, feelings and daily life informed what was done',
    },
    {
      id: 'management-oversight',
      title: 'Management oversight and supervision',
      hint: 'The oversight, supervision and challenge the work received',
    },
    {
      id: 'outcomes',
      title: 'Outcomes for the child',
      hint: 'What difference the work made to the child',
    },
  ],
}

/** An inspection framework (theme) as stored in frameworks/*.json. */
export const frameworkSchema = z.strictObject({
  id: kebabIdSchema,
  title: text,
  version: text,
  publishedOn: z.string().refine(isIsoDate, 'should be a real date in the form YYYY-MM-DD'),
  sourceUrl: z.url({ error: 'should be a web address starting https://' }).optional(),
  /** Caveats for administrators, e.g. which facts still need checking against the published framework. */
  notes: z.string().optional(),
  scope: text,
  inspectorates: z.array(text).min(1),
  agenciesInScope: z.array(agencyType).min(1),
  inspectionTeam: z.array(z.strictObject({ inspectorate: text, role: text, count: z.number().int().min(1) })).min(1),
  criteriaGroups: z
    .array(z.strictObject({ id: kebabIdSchema, title: text, criteria: z.array(z.strictObject({ id: kebabIdSchema, text })).min(1) }))
    .min(1),
  requiredDocuments: z.array(
    z.strictObject({
      id: kebabIdSchema,
      agencyType,
      title: text,
      description: z.string(),
      reviewIntervalMonths: z.number().int().min(1).max(60),
    }),
  ),
  caseRecords: z.array(z.strictObject({ agencyType, items: z.array(text).min(1), seenOnSiteOnly: z.boolean().optional() })),
  selection: z.strictObject({ children: rangeSchema, audited: rangeSchema }),
  timeline: timelineTemplateSchema,
  /**
   * Annex A theme lists the framework adds (e.g. children at risk of criminal exploitation), each in
   * the same format as the ILACS spec: lists keyed by name, plus any code lists of their own. Code
   * lists not defined here (gender, ethnicity …) are the ILACS ones. Only the spec schema is imported,
   * so this module stays free of I/O.
   */
  annexAThemeLists: z.array(annexASpecFileSchema).optional(),
  /** What an inspection under this framework asks of Annex A (see annexARequestSchema). */
  annexA: annexARequestSchema.optional(),
  /**
   * The framework's own questions about each of the inspectors' selected children, asked of every
   * agency beside "known to us?" and answered Yes, No or Not known (e.g. criminal exploitation: "Is
   * the child known to be at risk of or experiencing criminal exploitation?"). Ids are unique.
   */
  caseQuestions: z
    .array(z.strictObject({ id: kebabIdSchema, text, hint: z.string().trim().min(1).optional() }))
    .refine((qs) => new Set(qs.map((q) => q.id)).size === qs.length, 'should not repeat a question id')
    .optional(),
  /** The multi-agency audit tool's sections (see auditToolSchema); DEFAULT_AUDIT_TOOL without one. */
  auditTool: auditToolSchema.optional(),
})

export type Framework = z.output<typeof frameworkSchema>

