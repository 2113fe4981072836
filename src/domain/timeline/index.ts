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
  describeAnchor,
  TimelineError,
  type ComputedMilestone,
  type MilestoneOverride,
  type Notification,
} from './compute'
export { milestonesToIcsEvents } from './toIcsEvents'
