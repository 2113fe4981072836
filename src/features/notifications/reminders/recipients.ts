import type { ApproverFacts } from '../../../domain/evidenceStatus'
import { approverFor } from '../../../domain/evidenceStatus'

/**
 * Who is told that a version waits for approval: whoever may approve it now (the agency's senior
 * approver, or their deputy while they are unavailable or when the upload is the approver's own),
 * and the senior approver too while their deputy acts for them. Never the person who uploaded it.
 */
export function approvalRecipients(approver: ApproverFacts | null, uploadedBy: string | null): string[] {
  if (!approver) return []
  const ids = new Set<string>()
  const now = approverFor(approver, uploadedBy)
  if (now) ids.add(now.id)
  if (approver.unavailable) ids.add(approver.id)
  if (uploadedBy) ids.delete(uploadedBy)
  return [...ids]
}
