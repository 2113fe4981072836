/**
 * Each audit action in plain words, as the audit log shows it and its filter offers it. The stored
 * action name ('milestone.overridden') stays as written: it is part of the hash chain and what
 * scripts filter on. Every action name the code writes needs a sentence here: actionWords.test.ts
 * reads the source for them and fails on one that has none.
 */
export const ACTION_WORDS: Readonly<Record<string, string>> = {
  // The partnership, its people and signing in
  'partnership.created': 'Set up the partnership',
  'demo.loaded': 'Loaded the demo partnership',
  'demo.credentials-refreshed': 'Refreshed the demo sign-in details',
  'agency.created': 'Added an agency',
  'agency.updated': 'Changed an agency’s details',
  'person.created': 'Added a person',
  'person.updated': 'Changed a person’s details',
  'person.availability-changed': 'Changed someone’s availability or deputy',
  'person.disabled': 'Disabled someone’s account',
  'person.enabled': 'Enabled someone’s account again',
  'person.password-reset-issued': 'Created a sign-in link',
  'person.password-set': 'Set a new password',
  'person.totp-enrolled': 'Set up an authenticator app',
  'session.signed-in': 'Signed in',
  'session.signed-out': 'Signed out',
  'session.timed-out': 'Was signed out after a period of inactivity',
  // Frameworks and working days
  'framework.uploaded': 'Uploaded an inspection framework',
  'holidays.imported': 'Loaded bank holidays',
  'closure-day.added': 'Added a closure day',
  'closure-day.removed': 'Removed a closure day',
  // The inspection timeline
  'inspection.created': 'Started an inspection',
  'inspection.closed': 'Closed an inspection',
  'inspection.reopened': 'Opened an inspection again',
  'milestone.overridden': 'Moved a milestone date',
  'milestone.override-removed': 'Put a milestone back to its worked-out date',
  'milestone.completed': 'Marked a milestone as done',
  'milestone.reopened': 'Marked a milestone as not done',
  'milestone.assigned': 'Gave a milestone to a named person',
  'milestone.unassigned': 'Took a milestone back from a named person',
  'local-task.added': 'Added a local task',
  'local-task.removed': 'Removed a local task',
  'local-plan.task-saved': 'Kept a task in the local plan',
  'local-plan.task-removed': 'Removed a task from the local plan',
  // Evidence
  'evidence.requirement-added': 'Added a local evidence requirement',
  'evidence.upload': 'Uploaded a document',
  'evidence.approve': 'Approved a document',
  'evidence.sign-off': 'Signed off a document',
  'evidence.mark-not-available': 'Marked evidence as not available',
  'evidence.confirm-not-available': 'Confirmed evidence is not available',
  'evidence.record-provided': 'Recorded evidence as provided to inspectors',
  'evidence.comment': 'Commented on evidence',
  'evidence.resolve-comment': 'Resolved a comment on evidence',
  // Case tracking: the inspectors' selection (showing the children is recorded too)
  'case-selection.viewed': 'Viewed the inspectors’ selection of children',
  'case-selection.child-added': 'Added a child to the inspectors’ selection',
  'case-selection.child-removed': 'Took a child off the inspectors’ selection',
  'case-selection.list-checked': 'Checked the inspectors’ list of children',
  'case-selection.list-viewed': 'Viewed a checked list of the inspectors’ children',
  'case-selection.list-added': 'Added the children from the inspectors’ list',
  'case-selection.released': 'Released the inspectors’ children to the agencies',
  'case-selection.audit-chosen': 'Recorded the inspectors’ choice of children for audit',
  'case-tracking.settings-changed': 'Changed the working hours for return deadlines',
  'case-return.viewed': 'Viewed the inspectors’ children for their agency’s return',
  'case-return.child-viewed': 'Viewed a selected child’s details for their agency’s return',
  'case-return.answered': 'Answered whether their agency knows a selected child',
  'case-return.corrected': 'Changed an answer after their agency’s return was submitted',
  'case-return.submitted': 'Submitted their agency’s return',
  'case-return.chased': 'Chased the agencies that had not submitted their returns',
  'case-matrix.viewed': 'Viewed the agencies’ returns for the selected children',
  'case-matrix.exported': 'Downloaded the agencies’ returns for the inspectors',
  // The multi-agency case audit's audit tools
  'case-audit.tools-opened': 'Opened audit tools for the children chosen for audit',
  'case-audit.viewed': 'Viewed the audit tools of the children chosen for audit',
  'case-audit.agency-viewed': 'Viewed their agency’s audit tools',
  'case-audit.tool-viewed': 'Viewed an audit tool for a child chosen for audit',
  'case-audit.tool-saved': 'Saved an audit tool',
  'case-audit.sign-off-voided': 'Changed a signed-off audit tool, so its sign-off is void',
  'case-audit.tool-submitted': 'Submitted an audit tool',
  'case-audit.tool-signed-off': 'Signed off an audit tool',
  'case-audit.agency-added': 'Added an agency’s audit tool for a child chosen for audit',
  'case-audit.tool-removed': 'Removed an agency’s audit tool for a child chosen for audit',
  // Annex A and the child register (reads of child-level data are recorded too)
  'annex-a.validated': 'Checked an Annex A file',
  'annex-a.refused': 'Refused an Annex A file',
  'annex-a.values-mapped': 'Mapped Annex A values to Ofsted’s codes',
  'annex-a.accepted': 'Accepted Annex A lists',
  'annex-a.exported': 'Downloaded the Annex A workbook for Ofsted',
  'annex-a.row-viewed': 'Viewed a row of an Annex A file',
  'annex-a.mapping-viewed': 'Viewed Annex A values to map',
  'annex-a.problems-viewed': 'Viewed problems in an Annex A file',
  'annex-a.problems-downloaded': 'Downloaded an Annex A problem report',
  'register.viewed': 'Viewed the child register',
  'child.viewed': 'Viewed a child’s record',
  // Notifications and email
  'notification.read': 'Opened a notification',
  'notifications.read-all': 'Marked all their notifications as read',
  'notification-preferences.update': 'Changed what they are emailed',
  'notification-settings.update': 'Changed the partnership’s reminder settings',
  'outbox.resend': 'Sent a failed email again',
  'outbox.test': 'Sent a test email',
}

/**
 * An action in words. One the list does not know (from an older version, say) is still readable:
 * 'thing.done-again' becomes "Thing: done again".
 */
export function actionInWords(action: string): string {
  const words = ACTION_WORDS[action]
  if (words) return words
  const [subject = '', ...rest] = action.split('.')
  const text = (s: string) => s.replace(/-/g, ' ')
  const head = text(subject)
  const capitalised = head.charAt(0).toUpperCase() + head.slice(1)
  return rest.length ? `${capitalised}: ${text(rest.join(' '))}` : capitalised
}

/** What an event is about (its entity type) in words, for the filter. */
export const ENTITY_WORDS: Readonly<Record<string, string>> = {
  partnership: 'The partnership',
  agency: 'Agencies',
  person: 'People',
  framework: 'Inspection frameworks',
  calendar: 'Working days',
  inspection: 'Inspections and their timelines',
  'local-plan': 'The local plan',
  'evidence-requirement': 'Evidence',
  'case-selection': 'The inspectors’ selection of children',
  'case-return': 'Agencies’ returns about the selected children',
  'selected-child': 'The inspectors’ selected children',
  'audit-tool': 'Audit tools for the children chosen for audit',
  'annex-a-import': 'Annex A files',
  'annex-a': 'Annex A',
  'child-register': 'The child register',
  child: 'Children’s records',
  notification: 'Notifications',
  'notification-settings': 'Reminder settings',
  email: 'Emails',
}

export function entityInWords(entityType: string): string {
  return ENTITY_WORDS[entityType] ?? actionInWords(entityType)
}
