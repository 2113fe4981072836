export {
  anchorSchema,
  milestoneTemplateSchema,
  timelineTemplateSchema,
  kebabIdSchema,
  timeOfDaySchema,
  checkTimelineReferences,
  formatPath,
  type MilestoneAnchor,
  type MilestoneTemplate,
  type TimelineTemplate,
  type TemplateProblem,
} from './template'
export {
  computeTimeline,
  dateOfDay,
  dayNumberOf,
  describeAnchor,
  TimelineError,
  type ComputedMilestone,
  type ComputeOptions,
  type MilestoneOverride,
  type Notification,
} from './compute'
export { milestonesToIcsEvents } from './toIcsEvents'
