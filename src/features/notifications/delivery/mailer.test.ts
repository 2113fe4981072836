import { describe, expect, it } from 'vitest'
import { composeEmail } from './mailer'

const BASE = 'https://jtai.example.org'

describe('composeEmail', () => {
  it('is the body, the page in the app and a footer saying why and where to change it', () => {
    const email = composeEmail(
      {
        kind: 'issue-of-concern',
        subject: 'Inspectors raised an issue of concern',
        body: 'Inspectors raised an issue of concern in the Anytown inspection.',
        link: '/inspections/abc',
      },
      `${BASE}/`,
    )
    expect(email).toEqual({
      subject: 'Inspectors raised an issue of concern',
      text: [
        'Inspectors raised an issue of concern in the Anytown inspection.',
        '',
        `Open JTAI Ready: ${BASE}/inspections/abc`,
        '',
        '---',
        'You get this because it needs your action soon. Emails like this cannot be switched off.',
        `Change what you are emailed: ${BASE}/notifications/settings`,
        '',
      ].join('\n'),
    })
  })

  it('says why for a daily summary, a test email and a kind the person may switch off', () => {
    const reason = (kind: string) =>
      composeEmail({ kind, subject: 's', body: 'b', link: '/notifications' }, BASE).text.split('\n').at(-3)
    expect(reason('digest')).toBe('You get this because you are sent a daily summary of your JTAI Ready notifications.')
    expect(reason('test')).toBe('You get this because an administrator sent a test email from JTAI Ready.')
    expect(reason('task-assigned')).toBe(
      'You get this because you are emailed at once about this kind of JTAI Ready notification.',
    )
  })

  it('leaves out the link when there is none, and keeps the subject to one line', () => {
    const email = composeEmail(
      { kind: 'test', subject: 'Test email\r\nBcc: someone', body: 'It works.', link: null },
      BASE,
    )
    expect(email.subject).toBe('Test email Bcc: someone')
    expect(email.text).not.toContain('Open JTAI Ready')
    expect(email.text.startsWith('It works.\n\n---\n')).toBe(true)
  })
})
