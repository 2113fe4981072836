import {
  currentApprover,
  EVIDENCE_STATUS_LABELS,
  type EvidenceStatus,
  type RequirementFacts,
} from '../../domain/evidenceStatus'
import type { EvidenceCoverage, Inbox, Requirement, VersionRow } from './service'
import { formatDate, formatDateTime } from '../../domain/calendar'

const STATUS_COLOURS: Record<EvidenceStatus, string> = {
  'not-started': 'govuk-tag--grey',
  uploaded: 'govuk-tag--blue',
  approved: 'govuk-tag--turquoise',
  'signed-off': 'govuk-tag--green',
  'not-available': 'govuk-tag--orange',
}

export function statusTag(status: EvidenceStatus, confirmed = true): { text: string; classes: string } {
  const text = status === 'not-available' && !confirmed ? 'Not available – to confirm' : EVIDENCE_STATUS_LABELS[status]
  return { text, classes: STATUS_COLOURS[status] }
}

/** One row of a requirements list, as the page shows it. */
export function requirementSummary(r: Requirement) {
  return {
    id: r.id,
    title: r.title,
    agencyName: r.agency_name,
    local: r.document_id === null,
    status: statusTag(r.status, r.not_available_confirmed_at !== null),
    version: r.version_number ? `Version ${r.version_number}` : '',
    reviewBy: formatDate(r.reviewBy),
    stale: r.stale,
    openComments: r.open_comments,
  }
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '"': '&quot;',
  "'": '&#39;',
  '<': '&lt;',
  '>': '&gt;',
  '\\': '&#92;',
}
/** Escapes text for HTML as Nunjucks's `escape` filter does. */
const escapeHtml = (text: string): string => text.replace(/[&"'<>\\]/g, (c) => HTML_ESCAPES[c]!)

/** The markup govukTag draws, for a row built here rather than in a template. */
export function tagHtml(tag: { text: string; classes: string }): string {
  return `<strong class="govuk-tag ${tag.classes}">\n  ${escapeHtml(tag.text)}\n</strong>`
}

/** A row of a GOV.UK summary list. */
export interface SummaryRow {
  key: { text: string }
  value: { text: string } | { html: string }
}

/** Who approves what is waiting: the senior approver, or their deputy and why the deputy acts. */
export function approverName(facts: RequirementFacts): string | null {
  if (!facts.approver) return null
  const who = currentApprover(facts)
  if (!who) return `${facts.approver.name} (unavailable, and no deputy named)`
  if (who.because === 'unavailable') return `${who.name} (deputising for ${facts.approver.name}, who is unavailable)`
  if (who.because === 'own-work') {
    return `${who.name} (deputising for ${facts.approver.name}, who ${facts.status === 'not-available' ? 'gave the reason' : 'uploaded this version'})`
  }
  return facts.approver.name
}

/** A version's approval and sign-off, for the version history. */
export function versionApproval(v: VersionRow): string {
  if (!v.approved_at) return 'Not approved'
  const approved = `Approved by ${v.approved_by_name ?? 'unknown'} on ${formatDateTime(v.approved_at)}`
  return v.signed_off_at
    ? `${approved}. Signed off by ${v.signed_off_by_name ?? 'unknown'} on ${formatDateTime(v.signed_off_at)}`
    : approved
}

/**
 * The requirement page's summary list: what is needed, and each step it has been through so far.
 * A name missing from a step shows as "null", as the template that built these rows showed it.
 */
export function requirementRows(r: Requirement, facts: RequirementFacts): SummaryRow[] {
  const approver = approverName(facts)
  const rows: SummaryRow[] = [
    { key: { text: 'Status' }, value: { html: tagHtml(statusTag(r.status, r.not_available_confirmed_at !== null)) } },
    { key: { text: 'What is needed' }, value: { text: r.description || 'No description' } },
    {
      key: { text: 'Asked for by' },
      value: { text: r.themes.length ? r.themes.join('; ') : 'Added by the partnership' },
    },
    {
      key: { text: 'Reviewed every' },
      value: { text: `${r.review_interval_months}${r.review_interval_months === 1 ? ' month' : ' months'}` },
    },
    { key: { text: 'Senior approver' }, value: { text: approver || 'Not chosen yet' } },
  ]
  if (r.version_number) {
    rows.push(
      {
        key: { text: 'Current version' },
        value: {
          text: `Version ${r.version_number}, ${String(r.filename)}, uploaded by ${r.uploaded_by_name || 'unknown'} on ${formatDateTime(r.uploaded_at)}`,
        },
      },
      {
        key: { text: 'Review by' },
        value: {
          html: `${escapeHtml(formatDate(r.reviewBy))}${r.stale ? ` ${tagHtml({ text: 'Past review date', classes: 'govuk-tag--red' })}` : ''}`,
        },
      },
    )
  }
  if (r.approved_at)
    rows.push({
      key: { text: 'Approved' },
      value: { text: `By ${String(r.approved_by_name)} on ${formatDateTime(r.approved_at)}` },
    })
  if (r.signed_off_at)
    rows.push({
      key: { text: 'Signed off' },
      value: { text: `By ${String(r.signed_off_by_name)} on ${formatDateTime(r.signed_off_at)}` },
    })
  if (r.status === 'not-available') {
    rows.push(
      {
        key: { text: 'Why it is not available' },
        value: {
          text: `${String(r.not_available_rationale)} (${String(r.not_available_by_name)}, ${formatDateTime(r.not_available_at)})`,
        },
      },
      {
        key: { text: 'Reason confirmed' },
        value: {
          text: r.not_available_confirmed_at
            ? `By ${String(r.not_available_confirmed_by_name)} on ${formatDateTime(r.not_available_confirmed_at)}`
            : 'Not yet',
        },
      },
    )
  }
  if (r.providedOn)
    rows.push({
      key: { text: 'Provided to inspectors' },
      value: { text: `${formatDate(r.providedOn)} (recorded by ${r.providedByName || 'unknown'})` },
    })
  return rows
}

/** The time of day of an instant on UK clocks: "9:07am". */
export function timeOf(at: Date): string {
  return formatDateTime(at).replace(/^.*, /, '')
}

/** What the evidence pages say about which requirements they show. */
export function coverageText(c: EvidenceCoverage): string {
  if (c.inspection)
    return `Showing what the open ${c.inspection.practice ? 'practice inspection' : 'inspection'} asks for (${c.inspection.frameworkTitle}, notified ${formatDate(c.inspection.notifiedOn)}), and your partnership’s local requirements.`
  return 'No inspection is open, so this shows what every framework asks for, and your partnership’s local requirements.'
}

/** One document in the approvals list. */
export function inboxItem(r: Requirement | Inbox['toApprove'][number]) {
  const deputisingFor = 'deputisingFor' in r ? r.deputisingFor : null
  return {
    id: r.id,
    title: r.title,
    agencyName: r.agency_name,
    href: `/evidence/requirements/${r.id}`,
    uploaded: r.version_number
      ? `Version ${r.version_number}, uploaded by ${r.uploaded_by_name ?? 'unknown'} on ${formatDateTime(r.uploaded_at)}`
      : '',
    approved: r.approved_at ? `Approved by ${r.approved_by_name ?? 'unknown'} on ${formatDateTime(r.approved_at)}` : '',
    reason: r.status === 'not-available' ? (r.not_available_rationale ?? '') : '',
    reasonBy:
      r.status === 'not-available'
        ? `${r.not_available_by_name ?? 'unknown'}, ${formatDateTime(r.not_available_at)}`
        : '',
    deputisingFor,
  }
}
