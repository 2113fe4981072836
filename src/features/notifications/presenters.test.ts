import { describe, expect, it } from 'vitest'
import { kindInWords, outboxStatus } from './presenters'

describe('an email’s status in words', () => {
  const base = { attempts: 0, last_error: null, sent_at: null }

  it('says when it was sent, on UK clocks', () => {
    expect(outboxStatus({ ...base, status: 'sent', sent_at: new Date('2026-03-04T09:05:00Z') }, true).text).toBe(
      'Sent 4 March 2026 at 9:05am',
    )
    expect(outboxStatus({ ...base, status: 'sent', sent_at: new Date('2026-07-04T09:05:00Z') }, true).text).toBe(
      'Sent 4 July 2026 at 10:05am',
    )
  })

  it('says why one waits: no mail server, a retry with the server’s reply, or simply its turn', () => {
    const retry = { ...base, status: 'pending' as const, attempts: 1, last_error: '451 4.3.0 Try again later' }
    expect(outboxStatus(retry, false).text).toBe('Waiting: no mail server configured')
    expect(outboxStatus(retry, true).text).toBe('Waiting to retry (attempt 2): 451 4.3.0 Try again later')
    expect(outboxStatus({ ...base, status: 'pending' }, true).text).toBe('Waiting to be sent')
    expect(outboxStatus({ ...base, status: 'sending' }, true).text).toBe('Sending now')
  })

  it('gives a failure’s reply, and says a cancelled one is no longer needed', () => {
    expect(outboxStatus({ ...base, status: 'failed', last_error: '550 5.1.1 No such user' }, true)).toEqual({
      tag: 'Failed',
      colour: 'govuk-tag--red',
      text: 'Failed: 550 5.1.1 No such user',
    })
    expect(outboxStatus({ ...base, status: 'failed' }, true).text).toBe('Failed: no reply from the mail server')
    expect(outboxStatus({ ...base, status: 'cancelled' }, false).text).toBe('Cancelled: no longer needed')
  })

  it('names a message’s kind', () => {
    expect(kindInWords('task-assigned')).toBe('A task is given to you')
    expect(kindInWords('digest')).toBe('Daily summary')
    expect(kindInWords('test')).toBe('Test email')
  })
})
