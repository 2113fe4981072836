import { formatDate } from '../../domain/calendar'
import { AGENCY_TYPE_LABELS, ROLE_LABELS } from '../../domain/directory'
import { describeAnchor } from '../../domain/timeline'
import type { Services } from '../../services'
import type { EffectiveFramework } from './service'
import type { Routes } from '../../web/routes'
import { csrfValid } from '../../web/multipartCsrf'
import { readSmallUpload, SmallUploadError } from './readUpload'

const MAX_FRAMEWORK_BYTES = 512 * 1024
const ALLOWED = /\.(json|ya?ml)$/i

function summary(f: EffectiveFramework) {
  return {
    id: f.framework.id,
    title: f.framework.title,
    version: f.framework.version,
    publishedOn: formatDate(f.framework.publishedOn),
    source: f.source === 'bundled' ? 'Bundled with JTAI Ready' : `Uploaded version ${f.versionNumber}${f.uploadedBy ? ` by ${f.uploadedBy}` : ''}`,
  }
}

export function frameworkRoutes(routes: Routes, services: Services): void {
  const { frameworks } = services

  routes.get('/frameworks', async (_req, res, { scope }) => {
    res.render('frameworks/views/list.njk', { frameworks: (await frameworks.list(scope)).map(summary) })
  })

  routes.get('/frameworks/upload', (_req, res) => {
    res.render('frameworks/views/upload.njk', {})
  })

  // Not routes.form: the file comes as multipart/form-data, and a file too large is refused with status 413.
  routes.post('/frameworks/upload', async (req, res, { scope }) => {
    const fail = (messages: { text: string }[], status = 400) =>
      res.status(status).render('frameworks/views/upload.njk', { errors: { file: messages[0]?.text }, errorList: messages.map((m) => ({ text: m.text, href: '#file' })) })
    let upload
    try {
      upload = await readSmallUpload(req, MAX_FRAMEWORK_BYTES)
    } catch (e) {
      if (e instanceof SmallUploadError) return fail([{ text: e.message }], 413)
      throw e
    }
    if (!csrfValid(req, upload.fields)) return res.status(403).render('errors/session-expired.njk')
    if (!upload.file) return fail([{ text: 'Select a framework file (.json, .yaml or .yml)' }])
    if (!ALLOWED.test(upload.file.filename)) return fail([{ text: 'The framework file must be a .json, .yaml or .yml file' }])
    const result = await frameworks.upload(scope, upload.file.text, upload.file.filename)
    if (!result.ok) {
      return fail(result.errors.slice(0, 20).map((p) => ({ text: p.path ? `${p.source}: ${p.path}: ${p.message}` : `${p.source}: ${p.message}` })))
    }
    req.session.flash = `${result.framework.title} (version ${result.version}) has been uploaded. New inspections will use it; inspections already started keep their version.`
    res.redirect(303, `/frameworks/${result.framework.id}`)
  })

  routes.get('/frameworks/:frameworkId', async (_req, res, { scope, params }) => {
    const effective = await frameworks.get(scope, params.frameworkId)
    const f = effective.framework
    const history = await frameworks.history(scope, f.id)
    const titleOf = (id: string) => f.timeline.milestones.find((m) => m.id === id)?.title
    res.render('frameworks/views/detail.njk', {
      summary: summary(effective),
      framework: f,
      agencies: f.agenciesInScope.map((a) => AGENCY_TYPE_LABELS[a]),
      documents: f.requiredDocuments.map((d) => ({ ...d, agency: AGENCY_TYPE_LABELS[d.agencyType] })),
      caseRecords: f.caseRecords.map((c) => ({ ...c, agency: AGENCY_TYPE_LABELS[c.agencyType] })),
      milestones: f.timeline.milestones.map((m) => ({ ...m, when: describeAnchor(m.anchor, titleOf), owner: ROLE_LABELS[m.ownerRole] })),
      uploads: history.uploads.map((u) => ({ version: u.version, by: u.uploaded_by_name ?? 'Unknown', at: formatDate(u.created_at), sourceName: u.source_name })),
      hasBundled: Boolean(history.bundled),
    })
  })
}
