import { describe, expect, it } from 'vitest'
import { approvalRecipients } from './recipients'

const approver = { id: 'sa', name: 'Sam Approver', unavailable: false, deputyId: 'dep', deputyName: 'Dee Deputy' }

describe('who is told a version waits for approval', () => {
  it('is the senior approver, never the uploader', () => {
    expect(approvalRecipients(approver, 'lead')).toEqual(['sa'])
    expect(approvalRecipients(null, 'lead')).toEqual([])
  })

  it('is the deputy when the senior approver uploaded it themselves', () => {
    expect(approvalRecipients(approver, 'sa')).toEqual(['dep'])
    expect(approvalRecipients({ ...approver, deputyId: null, deputyName: null }, 'sa')).toEqual([])
  })

  it('is the deputy and the senior approver while the approver is unavailable', () => {
    expect(approvalRecipients({ ...approver, unavailable: true }, 'lead')).toEqual(['dep', 'sa'])
    // The deputy's own upload: only the approver is told.
    expect(approvalRecipients({ ...approver, unavailable: true }, 'dep')).toEqual(['sa'])
  })
})
