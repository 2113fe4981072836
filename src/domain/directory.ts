/** The kinds of agency in a safeguarding partnership. */
export const AGENCY_TYPES = [
  'la-childrens-services',
  'police',
  'health-icb',
  'health-provider',
  'education',
  'youth-justice',
  'probation',
  'voluntary',
  'other',
] as const
export type AgencyType = (typeof AGENCY_TYPES)[number]

export const AGENCY_TYPE_LABELS: Record<AgencyType, string> = {
  'la-childrens-services': "Local authority children's services",
  police: 'Police',
  'health-icb': 'Health – integrated care board (ICB)',
  'health-provider': 'Health – provider trust',
  education: 'Education',
  'youth-justice': 'Youth justice',
  probation: 'Probation',
  voluntary: 'Voluntary sector',
  other: 'Other',
}

/** Agency types that are statutory safeguarding partners by default (the partnership can change the flag). */
export const STATUTORY_BY_DEFAULT: readonly AgencyType[] = ['la-childrens-services', 'police', 'health-icb']

export const ROLES = [
  'administrator',
  'inspection-coordinator',
  'agency-lead',
  'senior-approver',
  'contributor',
  'inspector',
] as const
export type Role = (typeof ROLES)[number]

export const ROLE_LABELS: Record<Role, string> = {
  administrator: 'Administrator (business unit)',
  'inspection-coordinator': 'Inspection coordinator',
  'agency-lead': 'Agency lead',
  'senior-approver': 'Senior approver',
  contributor: 'Contributor',
  inspector: 'Inspector (read-only)',
}
