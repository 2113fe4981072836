// Progressive enhancement for the agencies' returns matrix (/case-tracking/matrix): every 15 seconds
// it fetches the answers, counts and countdown (no child identifiers: cells are keyed by the opaque
// selected-child id already on the page) and updates the page in place. Screen readers hear only
// changes in the counts, politely. Without this script a reload shows the same.
//
// A request counts as activity for the session's idle time-out, so the page stops updating when it
// is hidden or nobody has used it for 20 minutes; the session can then time out as usual.
const box = document.getElementById('case-matrix')
if (box && window.fetch) {
  const url = box.dataset.liveUrl
  const announce = document.getElementById('matrix-announce')
  const countdown = document.getElementById('matrix-countdown')
  const EVERY_MS = 15_000
  const PAUSE_AFTER_MS = 20 * 60_000
  let lastUsed = Date.now()
  let paused = false
  for (const type of ['keydown', 'pointerdown', 'scroll', 'focusin']) {
    window.addEventListener(
      type,
      () => {
        lastUsed = Date.now()
        if (paused) {
          paused = false
          schedule(0)
        }
      },
      { passive: true },
    )
  }

  const text = (selector, value) => {
    const el = box.querySelector(selector)
    if (el && el.textContent !== String(value)) el.textContent = String(value)
  }
  const tag = (t) => {
    const span = document.createElement('strong')
    span.className = `govuk-tag ${t.classes}`
    span.textContent = t.text
    return span
  }

  function countsText(c) {
    return `Known to no agency: ${c.none}. Known to 1 agency: ${c.one}. Known to 2 agencies: ${c.two}. Known to 3 or more agencies: ${c.threeOrMore}.`
  }
  let lastCounts = null

  function apply(data) {
    if (countdown && data.countdown) countdown.textContent = data.countdown.text
    for (const [key, value] of Object.entries(data.counts)) text(`[data-count="${key}"]`, value)
    const spoken = countsText(data.counts)
    if (lastCounts !== null && spoken !== lastCounts && announce) announce.textContent = `Updated. ${spoken}`
    lastCounts = spoken
    for (const a of data.agencies) {
      const status = box.querySelector(`[data-agency-status="${a.id}"]`)
      if (status && status.textContent.trim() !== a.tag.text) status.replaceChildren(tag(a.tag))
      text(`[data-agency-answered="${a.id}"]`, a.answered)
    }
    for (const [childId, cells] of Object.entries(data.cells)) {
      cells.forEach((cell, i) => {
        const agency = data.agencies[i]
        const el = agency && box.querySelector(`[data-cell="${childId} ${agency.id}"]`)
        if (!el) return
        const wanted = cell.late ? `${cell.text} Late` : cell.text
        if (el.textContent.replace(/\s+/g, ' ').trim() === wanted) return
        el.replaceChildren(document.createTextNode(cell.text))
        if (cell.late) el.append(' ', tag({ text: 'Late', classes: 'govuk-tag--orange' }))
      })
    }
  }

  let timer = null
  function schedule(ms) {
    clearTimeout(timer)
    timer = setTimeout(poll, ms)
  }

  function poll() {
    if (document.hidden) return // resumed by visibilitychange
    if (Date.now() - lastUsed > PAUSE_AFTER_MS) {
      paused = true
      return
    }
    fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(String(r.status)))))
      .then((data) => {
        if (!data.released) return
        apply(data)
        schedule(EVERY_MS)
      })
      .catch(() => schedule(EVERY_MS * 2))
  }

  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) schedule(0)
  })
  lastCounts = countsText({
    none: box.querySelector('[data-count="none"]')?.textContent,
    one: box.querySelector('[data-count="one"]')?.textContent,
    two: box.querySelector('[data-count="two"]')?.textContent,
    threeOrMore: box.querySelector('[data-count="threeOrMore"]')?.textContent,
  })
  schedule(EVERY_MS)
}
