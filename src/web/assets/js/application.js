// Progressive enhancement only: every page works without this file.
import { initAll } from '/assets/javascripts/govuk-frontend.min.js'

initAll()

// Idle timeout warning: two minutes before the server signs the person out, offer to stay signed in.
const warning = document.getElementById('timeout-warning')
if (warning) {
  const expiresAt = Number(warning.dataset.expiresAt)
  const form = warning.querySelector('form')
  const dialog = warning.querySelector('.app-timeout__dialog')
  const lastFocus = { el: null }
  const showIn = expiresAt - Date.now() - 2 * 60 * 1000
  const show = () => {
    lastFocus.el = document.activeElement
    warning.hidden = false
    dialog.focus()
  }
  const signOutIn = expiresAt - Date.now()
  let showTimer = setTimeout(show, Math.max(showIn, 0))
  let endTimer = setTimeout(() => window.location.assign('/sign-in'), Math.max(signOutIn, 0) + 1000)
  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    const body = new URLSearchParams(new FormData(form))
    const response = await fetch(form.action, { method: 'POST', body, headers: { Accept: 'application/json' }, credentials: 'same-origin' })
    if (!response.ok) return window.location.assign('/sign-in')
    const { expiresAt: next } = await response.json()
    warning.hidden = true
    if (lastFocus.el && lastFocus.el.focus) lastFocus.el.focus()
    clearTimeout(showTimer)
    clearTimeout(endTimer)
    showTimer = setTimeout(show, Math.max(next - Date.now() - 2 * 60 * 1000, 0))
    endTimer = setTimeout(() => window.location.assign('/sign-in'), Math.max(next - Date.now(), 0) + 1000)
  })
  document.addEventListener('keydown', (event) => {
    if (!warning.hidden && event.key === 'Tab') {
      event.preventDefault()
      warning.querySelector('button').focus()
    }
  })
}
