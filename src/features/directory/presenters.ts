import { formatDate } from '../../domain/calendar'
import { ROLE_LABELS } from '../../domain/directory'
import { hasRole, type Scope } from '../../shared/scope'
import type { PersonWithRoles } from './repository'

/** A person's details for govukSummaryList; administrators get the links to change them. */
export function personRows(person: PersonWithRoles, scope: Scope) {
  const isAdmin = hasRole(scope, 'administrator')
  const change = (path: string, visuallyHiddenText: string) =>
    isAdmin ? { items: [{ href: `/people/${person.id}${path}`, text: 'Change', visuallyHiddenText }] } : undefined
  const deputy = `${person.deputy_name ?? ''}${person.deputy_phone ? ` (${person.deputy_phone})` : ''}`
  const availability = person.unavailable
    ? `Unavailable – ${deputy} acts for them`
    : `Available${person.deputy_name ? ` – deputy: ${deputy}` : ''}`
  const signIn = person.totp_enabled
    ? 'Authenticator app set up'
    : person.password_hash
      ? 'Password set, authenticator app not set up yet'
      : 'Has not set a password yet'
  return [
    { key: { text: 'Email address' }, value: { text: person.email }, actions: change('/edit', 'details') },
    { key: { text: 'Job title' }, value: { text: person.job_title || 'Not given' } },
    { key: { text: 'Phone number' }, value: { text: person.phone || 'Not given' } },
    { key: { text: 'Agency' }, value: { text: person.agency_name || 'Business unit' } },
    { key: { text: 'Roles' }, value: { text: person.roles.map((r) => ROLE_LABELS[r]).join(', ') } },
    ...(person.access_ends_on
      ? [{ key: { text: 'Access ends' }, value: { text: formatDate(person.access_ends_on) } }]
      : []),
    {
      key: { text: 'Availability' },
      value: { text: availability },
      actions: change('/availability', 'availability and deputy'),
    },
    { key: { text: 'Sign-in' }, value: { text: signIn } },
  ]
}
