import { describe, expect, it } from 'vitest'
import { buildIcsCalendar, escapeText, foldLine, londonTimeToUtc, type IcsEvent } from './ics'

const now = new Date('2023-01-09T10:15:30.123Z')

function unfold(ics: string): string[] {
  return ics.replace(/\r\n /g, '').split('\r\n')
}

describe('buildIcsCalendar', () => {
  const events: IcsEvent[] = [
    { uid: 'insp-1-notification@jtai-ready', title: 'Inspection notified', date: '2023-01-09' },
    {
      uid: 'insp-1-audit-tools-sent@jtai-ready',
      title: 'Audit tools sent',
      description: 'To every agency; with chronology',
      date: '2023-01-13',
      time: '13:00',
    },
    {
      uid: 'summer',
      title: 'KIT meeting',
      date: '2023-07-04',
      time: '09:30',
      durationMinutes: 45,
      location: 'Room 1, West Offices',
    },
  ]
  const ics = buildIcsCalendar(events, { now, calendarName: 'JTAI: front door' })
  const lines = unfold(ics)

  it('writes a well-formed calendar with CRLF line endings', () => {
    expect(ics.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:')).toBe(true)
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true)
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/)
    expect(lines.filter((l) => l === 'BEGIN:VEVENT')).toHaveLength(3)
    expect(lines.filter((l) => l === 'END:VEVENT')).toHaveLength(3)
    expect(lines).toContain('X-WR-CALNAME:JTAI: front door')
    expect(lines.filter((l) => l === 'DTSTAMP:20230109T101530Z')).toHaveLength(3)
  })

  it('writes all-day events as dates with an exclusive end', () => {
    expect(lines).toContain('DTSTART;VALUE=DATE:20230109')
    expect(lines).toContain('DTEND;VALUE=DATE:20230110')
  })

  it('converts UK local times to UTC for GMT and BST', () => {
    expect(lines).toContain('DTSTART:20230113T130000Z')
    expect(lines).toContain('DTEND:20230113T140000Z')
    expect(lines).toContain('DTSTART:20230704T083000Z')
    expect(lines).toContain('DTEND:20230704T091500Z')
  })

  it('escapes text', () => {
    expect(lines).toContain('DESCRIPTION:To every agency\\; with chronology')
    expect(lines).toContain('LOCATION:Room 1\\, West Offices')
    expect(escapeText('a\\b\nc,d;e')).toBe('a\\\\b\\nc\\,d\\;e')
  })

  it('rejects bad dates and times', () => {
    expect(() => buildIcsCalendar([{ uid: 'x', title: 'X', date: '2023-02-30' }], { now })).toThrow(/not a real date/)
    expect(() => buildIcsCalendar([{ uid: 'x', title: 'X', date: '2023-02-01', time: '25:00' }], { now })).toThrow(
      /not a time/,
    )
  })
})

describe('londonTimeToUtc', () => {
  it('uses the offset in force on the day, around both clock changes', () => {
    expect(londonTimeToUtc('2024-03-30', '09:00').toISOString()).toBe('2024-03-30T09:00:00.000Z')
    expect(londonTimeToUtc('2024-03-31', '09:00').toISOString()).toBe('2024-03-31T08:00:00.000Z')
    expect(londonTimeToUtc('2024-10-26', '09:00').toISOString()).toBe('2024-10-26T08:00:00.000Z')
    expect(londonTimeToUtc('2024-10-27', '09:00').toISOString()).toBe('2024-10-27T09:00:00.000Z')
    expect(londonTimeToUtc('2024-03-31', '00:30').toISOString()).toBe('2024-03-31T00:30:00.000Z')
    // 01:30 does not exist on 31 March 2024; it is taken as 02:30 BST.
    expect(londonTimeToUtc('2024-03-31', '01:30').toISOString()).toBe('2024-03-31T01:30:00.000Z')
  })
})

describe('foldLine', () => {
  it('keeps every physical line within 75 octets without splitting characters', () => {
    const long = `DESCRIPTION:${'Children’s services – ü '.repeat(20)}`
    const folded = foldLine(long)
    const physical = folded.split('\r\n')
    expect(physical.length).toBeGreaterThan(1)
    for (const line of physical) expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75)
    expect(physical.slice(1).every((l) => l.startsWith(' '))).toBe(true)
    expect(folded.replace(/\r\n /g, '')).toBe(long)
    expect(foldLine('SHORT:x')).toBe('SHORT:x')
  })
})
