import { EVIDENCE_STATUS_LABELS, type EvidenceStatus } from '../../domain/evidenceStatus'
import type { Requirement } from './service'
import { formatFileSize } from '../../web/uploads'

const STATUS_COLOURS: Record<EvidenceStatus, string> = {
  'not-started': 'govuk-tag--grey',
  uploaded: 'govuk-tag--blue',
  approved: 'govuk-tag--turquoise',
  'signed-off': 'govuk-tag--green',
  'not-available': 'govuk-tag--orange',
}

const DATE = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'long', year: 'numeric' })
const DATE_TIME = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'long', year: 'numeric', hour: 'numeric', minute: '2-digit', hour12: true })

export const formatDate = (d: Date | null): string => (d ? DATE.format(d) : '')
export const formatDateTime = (d: Date | null): string => (d ? DATE_TIME.format(d).replace(' am', 'am').replace(' pm', 'pm') : '')
/** 'YYYY-MM-DD' → '2 March 2027'. */
export const formatIso = (iso: string | null): string => (iso ? DATE.format(new Date(`${iso}T12:00:00Z`)) : '')

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
    reviewBy: formatIso(r.reviewBy),
    stale: r.stale,
    openComments: r.open_comments,
  }
}

export function describeSize(bytes: number): string {
  return formatFileSize(bytes)
}
