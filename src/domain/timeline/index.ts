export { type MilestoneTemplate } from './template'
export {
  computeTimeline,
  dayNumberOf,
  describeAnchor,
  TimelineError,
  type ComputedMilestone,
  type MilestoneOverride,
} from './compute'
export { milestonesToIcsEvents } from './toIcsEvents'
export { overrideLimits } from './bounds'
