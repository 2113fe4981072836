import { describe, expect, it } from 'vitest'
import { checkTimelineReferences, formatPath, timelineTemplateSchema, type MilestoneTemplate } from './template'

const step = (id: string, anchor: MilestoneTemplate['anchor']): MilestoneTemplate => ({
  id,
  title: id,
  description: '',
  ownerRole: 'contributor',
  anchor,
})

describe('timeline templates', () => {
  it('fills in the default notification and fieldwork-end milestone ids', () => {
    const parsed = timelineTemplateSchema.parse({ milestones: [step('notification', { kind: 'day', day: 1 })] })
    expect(parsed.notificationMilestone).toBe('notification')
    expect(parsed.fieldworkEndMilestone).toBe('fieldwork-end')
  })

  it('reports duplicate ids, missing anchors, missing special milestones and loops', () => {
    const problems = checkTimelineReferences({
      notificationMilestone: 'notification',
      fieldworkEndMilestone: 'fieldwork-end',
      milestones: [
        step('notification', { kind: 'day', day: 1 }),
        step('notification', { kind: 'day', day: 2 }),
        step('a', { kind: 'after', milestone: 'c', workingDays: 1 }),
        step('b', { kind: 'after', milestone: 'a', workingDays: 1 }),
        step('c', { kind: 'after', milestone: 'b', workingDays: 1 }),
        step('d', { kind: 'after', milestone: 'ghost', workingDays: 1 }),
      ],
    })
    expect(problems.map((p) => `${formatPath(p.path)}: ${p.message}`)).toEqual([
      'milestones[1].id: the id "notification" is used twice (also by milestones[0])',
      'milestones[5].anchor.milestone: refers to a milestone "ghost" that does not exist',
      'fieldworkEndMilestone: names a milestone "fieldwork-end" that does not exist',
      'milestones[2].anchor.milestone: milestones are anchored in a loop: a → c → b → a',
    ])
  })

  it('formats paths the way people read them', () => {
    expect(formatPath(['timeline', 'milestones', 3, 'anchor', 'milestone'])).toBe(
      'timeline.milestones[3].anchor.milestone',
    )
    expect(formatPath([])).toBe('')
  })
})
