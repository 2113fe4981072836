import type { ColumnType, Generated, Selectable } from 'kysely'
import type { AgencyType, Role } from '../domain/directory'

type CreatedAt = ColumnType<Date, Date | string | undefined, never>
type Timestamp = ColumnType<Date, Date | string, Date | string>
type Json = ColumnType<Record<string, unknown>, string, string>

export interface PartnershipsTable {
  id: Generated<string>
  name: string
  created_at: CreatedAt
}

export interface AgenciesTable {
  id: Generated<string>
  partnership_id: string
  name: string
  type: AgencyType
  is_statutory: boolean
  senior_approver_id: string | null
  created_at: CreatedAt
  updated_at: Timestamp
}

export interface PeopleTable {
  id: Generated<string>
  partnership_id: string
  agency_id: string | null
  name: string
  email: string
  job_title: string
  password_hash: string | null
  totp_secret: string | null
  totp_enabled: boolean
  /** The last TOTP time step accepted, so a code cannot be replayed. */
  totp_last_step: number | null
  unavailable: boolean
  deputy_id: string | null
  access_ends_on: string | null
  disabled_at: Timestamp | null
  created_at: CreatedAt
  updated_at: Timestamp
  /** Optional, as entered (UK formats); shown in the directory. */
  phone: string | null
}

export interface PersonRolesTable {
  partnership_id: string
  person_id: string
  role: Role
}

export interface SessionsTable {
  sid: string
  person_id: string | null
  data: Json
  expires_at: Timestamp
  created_at: CreatedAt
}

export interface OneTimeTokensTable {
  id: Generated<string>
  kind: 'setup' | 'password-reset'
  token_hash: string
  partnership_id: string | null
  person_id: string | null
  expires_at: Timestamp
  used_at: Timestamp | null
  created_at: CreatedAt
}

export interface SignInThrottleTable {
  key: string
  failures: number
  window_started_at: Timestamp
  locked_until: Timestamp | null
}

export interface AuditEventsTable {
  partnership_id: string
  seq: number
  occurred_at: Timestamp
  actor_id: string | null
  actor_name: string | null
  action: string
  entity_type: string
  entity_id: string | null
  summary: string
  details: Json
  prev_hash: string
  hash: string
}

export interface FrameworkVersionsTable {
  id: Generated<string>
  partnership_id: string
  framework_id: string
  version: number
  content: Json
  source_name: string
  uploaded_by: string | null
  created_at: CreatedAt
}

export interface ImportedHolidaysTable {
  partnership_id: string
  date: string
  title: string
  imported_by: string | null
  imported_at: Timestamp
}

export interface ClosureDaysTable {
  partnership_id: string
  date: string
  title: string
  created_by: string | null
  created_at: Timestamp
}

export interface InspectionsTable {
  id: Generated<string>
  partnership_id: string
  framework_id: string
  framework: Json
  framework_version_id: string | null
  notified_on: string
  notified_time: string | null
  practice: boolean
  status: 'open' | 'closed'
  created_by: string | null
  created_at: Timestamp
  updated_at: Timestamp
  closed_by: ColumnType<string | null, string | null | undefined, string | null>
  closed_at: ColumnType<Date | null, Date | null | undefined, Date | null>
}

export interface MilestoneOverridesTable {
  partnership_id: string
  inspection_id: string
  milestone_id: string
  date: string
  time: string | null
  reason: string
  overridden_by: string | null
  at: Timestamp
}

export interface MilestoneCompletionsTable {
  partnership_id: string
  inspection_id: string
  milestone_id: string
  completed_by: string | null
  completed_at: Timestamp
}

/** A milestone or local task of an inspection given to a named person. */
export interface TaskAssignmentsTable {
  partnership_id: string
  inspection_id: string
  milestone_id: string
  person_id: string
  assigned_by: string | null
  assigned_at: Timestamp
}

/** One agency's part of a task of an agency role, given to nobody by name, marked done. */
export interface AgencyTaskCompletionsTable {
  partnership_id: string
  inspection_id: string
  milestone_id: string
  agency_id: string
  completed_by: string | null
  completed_at: Timestamp
}

export interface LocalPlanTasksTable {
  id: Generated<string>
  partnership_id: string
  task_id: string
  title: string
  description: string
  owner_role: Role
  anchor_milestone: string
  offset_working_days: number
  time: string | null
  created_by: string | null
  created_at: Timestamp
}

export interface LocalTasksTable extends LocalPlanTasksTable {
  inspection_id: string
}

export type EvidenceStatus = 'not-started' | 'uploaded' | 'approved' | 'signed-off' | 'not-available'

export interface EvidenceRequirementsTable {
  id: Generated<string>
  partnership_id: string
  agency_id: string
  /** The framework's document id; null for a requirement the partnership added itself. */
  document_id: string | null
  title: string
  description: string
  review_interval_months: number
  status: EvidenceStatus
  current_version_id: string | null
  approved_by: string | null
  approved_at: Timestamp | null
  signed_off_by: string | null
  signed_off_at: Timestamp | null
  not_available_rationale: string | null
  not_available_by: string | null
  not_available_at: Timestamp | null
  not_available_confirmed_by: string | null
  not_available_confirmed_at: Timestamp | null
  provided_on: string | null
  provided_by: string | null
  /** The inspection the document was provided for; "provided" shows only while it is the current one. */
  provided_inspection_id: ColumnType<string | null, string | null | undefined, string | null>
  created_by: string | null
  created_at: CreatedAt
  updated_at: Timestamp
}

export interface EvidenceVersionsTable {
  id: Generated<string>
  partnership_id: string
  requirement_id: string
  version: number
  /** The file store's key: the only link from the database to the bytes. */
  file_key: string
  filename: string
  mime: string
  /** bigint: node-postgres returns it as text, so repositories convert it. */
  size: ColumnType<string | number, number, number>
  sha256: string
  uploaded_by: string | null
  uploaded_at: Timestamp
  /** Who approved and signed off this version (approval is for one version). */
  approved_by: ColumnType<string | null, string | null | undefined, string | null>
  approved_at: ColumnType<Date | null, Date | null | undefined, Date | null>
  signed_off_by: ColumnType<string | null, string | null | undefined, string | null>
  signed_off_at: ColumnType<Date | null, Date | null | undefined, Date | null>
  /** When the authenticator code that covered this version's approval was accepted (one code covers a few minutes' approvals). */
  approval_step_up_at: ColumnType<Date | null, Date | null | undefined, Date | null>
}

export interface EvidenceCommentsTable {
  id: Generated<string>
  partnership_id: string
  requirement_id: string
  author_id: string | null
  author_agency_id: string | null
  body: string
  created_at: Timestamp
  resolved_by: string | null
  resolved_at: Timestamp | null
}

export type AnnexAImportStatus = 'validated' | 'accepted' | 'superseded'

export interface AnnexAImportsTable {
  id: Generated<string>
  partnership_id: string
  inspection_id: string | null
  notified_on: string
  file_name: string
  file_key: string
  sha256: string
  spec_version: string
  status: AnnexAImportStatus
  rows_read: number
  errors: number
  queries: number
  uploaded_by: string | null
  accepted_by: string | null
  accepted_at: Timestamp | null
  queries_reason: string | null
  /** Why each kind of query could be accepted, one reason per rule (migration 009); null before it, or with no queries. */
  queries_reasons: ColumnType<QueryReason[] | null, string | null | undefined, string | null>
  created_at: CreatedAt
}

/** Why the queries of one rule in an accepted Annex A file could be accepted. */
export interface QueryReason {
  rule: string
  title: string
  count: number
  reason: string
}

export interface AnnexAImportListsTable {
  partnership_id: string
  import_id: string
  list: string
  title: string
  rows_read: number
  errors: number
  queries: number
  current: boolean
  superseded_by: string | null
  superseded_at: Timestamp | null
}

export interface AnnexAChildrenTable {
  id: Generated<string>
  partnership_id: string
  import_id: string
  list: string
  theme: boolean
  row: number
  child_id: string | null
  dob: string | null
  sex: string | null
  ethnicity: string | null
  disability: string | null
  legal_status: string | null
  event_date: string | null
  current: boolean
  values: ColumnType<Record<string, string | number | null>, string, string>
}

export interface ValueMappingsTable {
  partnership_id: string
  column_id: string
  spelling: string
  code: string
  created_by: string | null
  created_at: Timestamp
}

export type EmailChoice = 'immediate' | 'digest' | 'none'
export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'cancelled'

/** What a person is told in the app (see migration 011). */
export interface NotificationsTable {
  id: Generated<string>
  partnership_id: string
  person_id: string
  kind: string
  critical: boolean
  title: string
  body: string
  /** An app path ("/evidence/…"), never a full URL and never personal data. */
  link: string
  /** Set on reminders: unique per person, so nobody gets the same reminder twice. */
  dedupe_key: string | null
  /** How it was to be emailed when it was made. */
  email: EmailChoice
  created_at: Timestamp
  read_at: Timestamp | null
  /** When a daily summary email took it (email 'digest' only). */
  digested_at: Timestamp | null
}

/** One email, written in the transaction of the change that caused it; the delivery worker sends it. */
export interface OutboxMessagesTable {
  id: Generated<string>
  partnership_id: string
  person_id: string | null
  notification_id: string | null
  /** The notification kind, 'digest' for a daily summary or 'test' for an administrator's test email. */
  kind: string
  to_address: string
  subject: string
  body: string
  /** An app path the email links to; the worker puts BASE_URL in front. */
  link: string | null
  status: OutboxStatus
  attempts: Generated<number>
  next_attempt_at: Timestamp
  /** While 'sending': the claim's end, after which another worker may take it again. */
  claimed_until: Timestamp | null
  /** The SMTP server's reply or the connection error of the last failed attempt. */
  last_error: string | null
  /** The SMTP server's reply when it accepted the message. */
  smtp_response: string | null
  dedupe_key: string | null
  created_at: Timestamp
  sent_at: Timestamp | null
}

export interface NotificationPreferencesTable {
  partnership_id: string
  person_id: string
  kind: string
  email: EmailChoice
}

/** A partnership's reminder timings (defaults in src/domain/notifications/settings.ts when no row). */
export interface NotificationSettingsTable {
  partnership_id: string
  days_before: number
  remind_on_the_day: boolean
  /** "09:00": when before-the-day and on-the-day reminders are sent, Europe/London. */
  reminder_time: string
  remind_overdue: boolean
  approval_wait_days: number
  review_warning_days: number
  updated_by: string | null
  updated_at: Timestamp
}

/** One per inspection (migration 012): released with a deadline, and when the audit choice was made. */
export interface CaseSelectionsTable {
  inspection_id: string
  partnership_id: string
  released_at: Timestamp | null
  released_by: string | null
  due_at: Timestamp | null
  audit_chosen_at: Timestamp | null
  audit_chosen_by: string | null
  updated_at: Timestamp
}

/** A child the inspectors selected: special-category data, read only through the case-tracking service. */
export interface SelectedChildrenTable {
  id: Generated<string>
  partnership_id: string
  inspection_id: string
  position: number
  /** The local authority's child ID. */
  child_ref: string
  name: string | null
  /** YYYY-MM-DD. */
  date_of_birth: string | null
  nhs_number: string | null
  address: string | null
  /** The inspectors' list's other columns, by header. */
  other: ColumnType<Record<string, string>, string | undefined, string>
  /** Whether the child ID was in the Annex A child register when selected. */
  in_register: boolean
  source: 'register' | 'upload'
  chosen_for_audit: ColumnType<boolean, boolean | undefined, boolean>
  added_by: string | null
  added_at: Timestamp
}

export interface AgencyReturnsTable {
  partnership_id: string
  inspection_id: string
  agency_id: string
  submitted_at: Timestamp | null
  submitted_by: string | null
  late: ColumnType<boolean, boolean | undefined, boolean>
  chased_at: Timestamp | null
}

export type KnownAnswer = 'yes' | 'no' | 'checking'
export type Involvement = 'open' | 'closed-recently' | 'earlier'

export interface ReturnAnswersTable {
  partnership_id: string
  inspection_id: string
  selected_child_id: string
  agency_id: string
  known: KnownAnswer
  involvement: Involvement | null
  lead_practitioner: string | null
  team: string | null
  /** YYYY-MM-DD. */
  last_contact_on: string | null
  note: string | null
  /** The framework's own per-child questions, by question id. */
  framework_answers: ColumnType<Record<string, string>, string | undefined, string>
  /** Starts at 1; each save names the version it was opened at and adds 1. */
  version: number
  late: boolean
  updated_by: string | null
  updated_at: Timestamp
}

export interface ReturnCorrectionsTable {
  id: Generated<string>
  partnership_id: string
  inspection_id: string
  selected_child_id: string
  agency_id: string
  reason: string
  before: Json
  after: Json
  corrected_by: string | null
  corrected_at: Timestamp
}

/** A partnership's working hours for return deadlines (defaults 09:00–17:00, 2 hours, when no row). */
export interface CaseTrackingSettingsTable {
  partnership_id: string
  day_starts: string
  day_ends: string
  return_hours: number
  updated_by: string | null
  updated_at: Timestamp
}

export type AuditToolStatus = 'draft' | 'submitted' | 'signed-off'
export type AuditGrading = 'outstanding' | 'good' | 'requires-improvement' | 'inadequate'

/** An agency's audit tool for one child chosen for audit (issue 13). */
export interface AuditToolsTable {
  id: Generated<string>
  partnership_id: string
  inspection_id: string
  selected_child_id: string
  agency_id: string
  status: ColumnType<AuditToolStatus, AuditToolStatus | undefined, AuditToolStatus>
  overall_grading: AuditGrading | null
  contribution: string | null
  /** Everyone who has saved the tool (none of them may sign it off). */
  authors: ColumnType<string[], string | undefined, string>
  /** Starts at 0; each save names the version it was opened at and adds 1. */
  version: ColumnType<number, number | undefined, number>
  submitted_by: string | null
  submitted_at: Timestamp | null
  signed_off_by: string | null
  signed_off_at: Timestamp | null
  signed_off_step_up_at: Timestamp | null
  /** Null when opened automatically from the audit choice and the agency's Yes. */
  opened_by: string | null
  opened_at: Timestamp
  opened_reason: string | null
  removed_by: string | null
  removed_at: Timestamp | null
  removed_reason: string | null
  updated_by: string | null
  updated_at: Timestamp
}

export interface AuditToolSectionsTable {
  partnership_id: string
  tool_id: string
  section_id: string
  worked_well: string | null
  development: string | null
  recommendations: string | null
  grading: AuditGrading | null
}

export interface Database {
  partnerships: PartnershipsTable
  agencies: AgenciesTable
  people: PeopleTable
  person_roles: PersonRolesTable
  sessions: SessionsTable
  one_time_tokens: OneTimeTokensTable
  sign_in_throttle: SignInThrottleTable
  audit_events: AuditEventsTable
  framework_versions: FrameworkVersionsTable
  imported_holidays: ImportedHolidaysTable
  closure_days: ClosureDaysTable
  inspections: InspectionsTable
  milestone_overrides: MilestoneOverridesTable
  milestone_completions: MilestoneCompletionsTable
  task_assignments: TaskAssignmentsTable
  agency_task_completions: AgencyTaskCompletionsTable
  local_tasks: LocalTasksTable
  local_plan_tasks: LocalPlanTasksTable
  annex_a_imports: AnnexAImportsTable
  annex_a_import_lists: AnnexAImportListsTable
  annex_a_children: AnnexAChildrenTable
  value_mappings: ValueMappingsTable
  evidence_requirements: EvidenceRequirementsTable
  evidence_versions: EvidenceVersionsTable
  evidence_comments: EvidenceCommentsTable
  notifications: NotificationsTable
  outbox_messages: OutboxMessagesTable
  notification_preferences: NotificationPreferencesTable
  notification_settings: NotificationSettingsTable
  case_selections: CaseSelectionsTable
  selected_children: SelectedChildrenTable
  agency_returns: AgencyReturnsTable
  return_answers: ReturnAnswersTable
  return_corrections: ReturnCorrectionsTable
  case_tracking_settings: CaseTrackingSettingsTable
  audit_tools: AuditToolsTable
  audit_tool_sections: AuditToolSectionsTable
}

export type Agency = Selectable<AgenciesTable>
export type Person = Selectable<PeopleTable>
export type AuditEventRow = Selectable<AuditEventsTable>
