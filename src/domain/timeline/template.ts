import { z } from 'zod'
import { ROLES } from '../directory'

const KEBAB = /^[a-z0-9]+(-[a-z0-9]+)*$/

/** Lower-case words joined by hyphens, e.g. `audit-day`. */
export const kebabIdSchema = z.string().regex(KEBAB, 'should be lower-case words joined by hyphens, like "audit-day"')

/** 'HH:MM' on the 24-hour clock. */
export const timeOfDaySchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'should be a time like "09:30" or "17:00"')

/** How a milestone's date is found: an inspection working day, or working days after another milestone. */
export const anchorSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('day'),
    day: z.number().int('should be a whole number').min(-20, 'should be -20 or more').max(200, 'should be 200 or less'),
  }),
  z.strictObject({
    kind: z.literal('after'),
    milestone: kebabIdSchema,
    workingDays: z
      .number()
      .int('should be a whole number')
      .min(-200, 'should be -200 or more')
      .max(400, 'should be 400 or less'),
  }),
])
export type MilestoneAnchor = z.infer<typeof anchorSchema>

/** One step of an inspection timeline template (also the shape of a partnership's local task). */
export const milestoneTemplateSchema = z.strictObject({
  id: kebabIdSchema,
  title: z.string().trim().min(1, 'should not be empty'),
  description: z.string(),
  ownerRole: z.enum(ROLES),
  anchor: anchorSchema,
  time: timeOfDaySchema.optional(),
})
export type MilestoneTemplate = z.infer<typeof milestoneTemplateSchema>

/** A timeline template as carried by each framework. */
export const timelineTemplateSchema = z.strictObject({
  /** The milestone that stands for the notification itself; it takes the notification time when one is given. */
  notificationMilestone: kebabIdSchema.default('notification'),
  /** The last fieldwork day: milestones after it carry no inspection day number. */
  fieldworkEndMilestone: kebabIdSchema.default('fieldwork-end'),
  milestones: z.array(milestoneTemplateSchema).min(1, 'should list at least one milestone'),
})
export type TimelineTemplate = z.output<typeof timelineTemplateSchema>

/** A problem found in a template, with where it is (path from the template root). */
export interface TemplateProblem {
  path: (string | number)[]
  message: string
}

/** Writes a path the way a person reads it: `timeline.milestones[3].anchor.milestone`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? String(part) : `.${String(part)}`))
    .join('')
}

/**
 * Checks what the schema cannot: milestone ids are unique, every "after" anchor names a
 * milestone that exists, anchors form no loop, and the notification and fieldwork-end milestones
 * exist. Returns an empty list when all is well.
 */
export function checkTimelineReferences(
  template: Pick<TimelineTemplate, 'milestones'> &
    Partial<Pick<TimelineTemplate, 'notificationMilestone' | 'fieldworkEndMilestone'>>,
): TemplateProblem[] {
  const problems: TemplateProblem[] = []
  const index = new Map<string, number>()
  template.milestones.forEach((m, i) => {
    const first = index.get(m.id)
    if (first !== undefined) {
      problems.push({
        path: ['milestones', i, 'id'],
        message: `the id "${m.id}" is used twice (also by milestones[${first}])`,
      })
    } else {
      index.set(m.id, i)
    }
  })
  template.milestones.forEach((m, i) => {
    if (m.anchor.kind === 'after' && !index.has(m.anchor.milestone)) {
      problems.push({
        path: ['milestones', i, 'anchor', 'milestone'],
        message: `refers to a milestone "${m.anchor.milestone}" that does not exist`,
      })
    }
  })
  for (const key of ['notificationMilestone', 'fieldworkEndMilestone'] as const) {
    const id = template[key]
    if (id !== undefined && !index.has(id))
      problems.push({ path: [key], message: `names a milestone "${id}" that does not exist` })
  }
  problems.push(...findLoops(template.milestones, index))
  return problems
}

function findLoops(milestones: readonly MilestoneTemplate[], index: Map<string, number>): TemplateProblem[] {
  const problems: TemplateProblem[] = []
  const state = new Map<string, 'visiting' | 'done'>()
  const reported = new Set<string>()
  for (const start of milestones) {
    const chain: string[] = []
    let current: string | undefined = start.id
    // Each milestone has at most one anchor, so following anchors is a walk, not a tree search.
    while (current !== undefined && state.get(current) !== 'done') {
      if (state.get(current) === 'visiting') {
        const loop = chain.slice(chain.indexOf(current))
        if (!loop.some((id) => reported.has(id))) {
          loop.forEach((id) => reported.add(id))
          const i = index.get(current) ?? 0
          problems.push({
            path: ['milestones', i, 'anchor', 'milestone'],
            message: `milestones are anchored in a loop: ${[...loop, current].join(' → ')}`,
          })
        }
        break
      }
      state.set(current, 'visiting')
      chain.push(current)
      const i = index.get(current)
      const anchor: MilestoneAnchor | undefined = i === undefined ? undefined : milestones[i]?.anchor
      current = anchor?.kind === 'after' ? anchor.milestone : undefined
    }
    chain.forEach((id) => state.set(id, 'done'))
  }
  return problems
}
