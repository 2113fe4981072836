import type { Request } from 'express'
import type { Services } from '../../services'
import type { Scope } from '../../shared/scope'
import { NOTIFICATION_KINDS, type NotificationKindId } from '../../domain/notifications'
import { pageNumber } from '../../web/forms'
import { sameOriginPath } from '../../web/returnAddress'
import type { RouteOptions, Routes } from '../../web/routes'
import { EMAIL_CHOICE_WORDS, kindInWords, NOT_EMAILED_WORDS, outboxStatus } from './presenters'
import { CHOOSABLE_KINDS, preferencesSchema, TEST_EMAIL_FIELDS, testEmailSchema } from './schemas'
import { OUTBOX_FILTERS, type OutboxFilter } from './service'

const PAGE_SIZE = 50

/** Where a notification's stored link may take a person: a path on this site, else their notifications. */
function notificationTarget(link: string): string {
  const path = sameOriginPath(link)
  return path === '/' && link !== '/' ? '/notifications' : path
}

/** GOV.UK pagination for page `page` of `pages`, or undefined when there is only one. */
function pagination(page: number, pages: number, link: (p: number) => string) {
  if (pages <= 1) return undefined
  const items: ({ number: number; href: string; current: boolean } | { ellipsis: true })[] = []
  for (let p = 1; p <= pages; p++) {
    if (p === 1 || p === pages || Math.abs(p - page) <= 1) items.push({ number: p, href: link(p), current: p === page })
    else if (!('ellipsis' in (items.at(-1) ?? {}))) items.push({ ellipsis: true })
  }
  return {
    previous: page > 1 ? { href: link(page - 1) } : undefined,
    next: page < pages ? { href: link(page + 1) } : undefined,
    items,
  }
}

const isOutboxFilter = (value: unknown): value is OutboxFilter =>
  typeof value === 'string' && Object.hasOwn(OUTBOX_FILTERS, value)

export function notificationRoutes(routes: Routes, services: Services, options: RouteOptions): void {
  const { notifications } = services
  const { mailConfigured } = options

  routes.get('/notifications', async (req, res, { scope }) => {
    const page = pageNumber((req.query as Record<string, unknown>).page)
    const [{ rows, total }, unread] = await Promise.all([
      notifications.list(scope, { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }),
      notifications.unreadCount(scope),
    ])
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE))
    res.render('notifications/views/index.njk', {
      notifications: rows.map((n) => ({ ...n, kindText: kindInWords(n.kind) })),
      total,
      unread,
      page,
      pages,
      pagination: pagination(page, pages, (p) => `/notifications?page=${p}`),
    })
  })

  routes.get('/notifications/:notificationId/open', async (_req, res, { scope, params }) => {
    const link = await notifications.open(scope, params.notificationId)
    res.redirect(303, notificationTarget(link))
  })

  routes.post('/notifications/read-all', async (req, res, { scope }) => {
    const count = await notifications.markAllRead(scope)
    req.session.flash = count
      ? `${count} notification${count === 1 ? ' is' : 's are'} marked as read.`
      : 'You have no unread notifications.'
    res.redirect(303, '/notifications')
  })

  async function settingsModel(scope: Scope) {
    const { email, choices } = await notifications.preferences(scope)
    const kinds = Object.keys(NOTIFICATION_KINDS) as NotificationKindId[]
    return {
      email,
      choices,
      choosable: CHOOSABLE_KINDS.map((id) => ({ id, ...NOTIFICATION_KINDS[id] })),
      critical: kinds.filter((k) => NOTIFICATION_KINDS[k].critical).map((id) => ({ id, ...NOTIFICATION_KINDS[id] })),
      choiceWords: EMAIL_CHOICE_WORDS,
    }
  }

  routes.get('/notifications/settings', async (_req, res, { scope }) => {
    const model = await settingsModel(scope)
    res.render('notifications/views/settings.njk', { ...model, values: model.choices })
  })

  routes.form('/notifications/settings', {
    view: 'notifications/views/settings.njk',
    schema: preferencesSchema,
    order: CHOOSABLE_KINDS,
    context: (_req, { scope }) => settingsModel(scope),
    async onValid(form, req, { scope }) {
      await notifications.setPreferences(scope, form)
      req.session.flash = 'Your email settings are saved.'
      return '/notifications/settings'
    },
  })

  async function outboxModel(req: Request, scope: Scope) {
    const q = req.query as Record<string, unknown>
    const filter = isOutboxFilter(q.status) ? q.status : undefined
    const page = pageNumber(q.page)
    const { rows, total, counts, notEmailed } = await notifications.outbox(scope, filter, {
      limit: PAGE_SIZE,
      offset: (page - 1) * PAGE_SIZE,
    })
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE))
    const count = (f: OutboxFilter) => OUTBOX_FILTERS[f].reduce((n, s) => n + (counts[s] ?? 0), 0)
    const all = Object.values(counts).reduce((n, c) => n + c, 0)
    const label = { waiting: 'Waiting', sent: 'Sent', failed: 'Failed', cancelled: 'Cancelled' }
    return {
      mailConfigured,
      messages: rows.map((m) => ({
        ...m,
        kindText: kindInWords(m.kind),
        statusWords: outboxStatus(m, mailConfigured),
      })),
      total,
      page,
      pages,
      filter: filter ?? '',
      statusItems: [
        { value: '', text: `All (${all})` },
        ...(Object.keys(OUTBOX_FILTERS) as OutboxFilter[]).map((f) => ({
          value: f,
          text: `${label[f]} (${count(f)})`,
        })),
      ],
      notEmailed: notEmailed.map((p) => ({ ...p, reasonText: NOT_EMAILED_WORDS[p.reason] })),
      pagination: pagination(
        page,
        pages,
        (p) =>
          `/notifications/outbox?${new URLSearchParams({ ...(filter ? { status: filter } : {}), page: String(p) }).toString()}`,
      ),
    }
  }

  routes.get('/notifications/outbox', async (req, res, { scope }) => {
    const { email } = await notifications.preferences(scope)
    res.render('notifications/views/outbox.njk', { ...(await outboxModel(req, scope)), values: { to: email } })
  })

  routes.form('/notifications/outbox/test', {
    view: 'notifications/views/outbox.njk',
    schema: testEmailSchema,
    order: TEST_EMAIL_FIELDS,
    context: (req, { scope }) => outboxModel(req, scope),
    async onValid(form, req, { scope }) {
      await notifications.sendTest(scope, form.to)
      req.session.flash = mailConfigured
        ? `A test email to ${form.to} is waiting to be sent. It is listed below: reload the page to see when it is sent.`
        : `A test email to ${form.to} is waiting in the outbox. It will not be sent until a mail server is configured (SMTP_URL).`
      return '/notifications/outbox'
    },
  })

  routes.post('/notifications/outbox/:messageId/resend', async (req, res, { scope, params }) => {
    await notifications.resend(scope, params.messageId)
    req.session.flash = 'The email is waiting to be sent again.'
    res.redirect(303, '/notifications/outbox')
  })
}
