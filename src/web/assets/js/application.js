// Progressive enhancement only: every page works without this file.
import { initAll } from '/assets/javascripts/govuk-frontend.min.js'

initAll()

// Session time-out warning (partials/timeout-warning.njk). The server sends how many seconds are
// left, and the page counts down from when it received them, on the browser's monotonic clock: a
// wrong time of day in the browser does not matter. Before an idle time-out it offers "Stay signed
// in"; before the absolute limit nothing can help, so it says when the session ends instead.
const warning = document.getElementById('timeout-warning')
if (warning) {
  const dialog = warning.querySelector('.app-timeout__dialog')
  const form = warning.querySelector('form')
  const continueButton = document.getElementById('timeout-continue')
  const waitText = warning.querySelector('.app-timeout__wait')
  const timeText = warning.querySelector('.app-timeout__time')
  let lastFocus = null
  let timers = []
  let ticker
  let deadline = 0 // performance.now() milliseconds at which the server ends the session
  let mode = warning.dataset.endsBecause

  const secondsLeft = () => Math.max(0, Math.ceil((deadline - performance.now()) / 1000))
  const wait = (s) =>
    s >= 60 ? `${Math.ceil(s / 60)} minute${Math.ceil(s / 60) === 1 ? '' : 's'}` : `${s} second${s === 1 ? '' : 's'}`
  const visibleButton = () => [...warning.querySelectorAll('button')].find((b) => !b.closest('[hidden]'))

  const show = () => {
    if (waitText) waitText.textContent = wait(secondsLeft())
    if (!warning.hidden) return
    lastFocus = document.activeElement
    warning.hidden = false
    dialog.focus()
    ticker = setInterval(() => {
      if (waitText) waitText.textContent = wait(secondsLeft())
    }, 1000)
  }
  const hide = () => {
    clearInterval(ticker)
    warning.hidden = true
    if (lastFocus && lastFocus.focus) lastFocus.focus()
  }
  const schedule = ({ secondsLeft: left, warningSeconds, endsBecause, endsAtText }) => {
    timers.forEach(clearTimeout)
    deadline = performance.now() + left * 1000
    mode = endsBecause
    warning.querySelectorAll('[data-when]').forEach((el) => {
      el.hidden = el.dataset.when !== mode
    })
    if (endsAtText && timeText) timeText.textContent = endsAtText
    timers = [
      setTimeout(show, Math.max(left - warningSeconds, 0) * 1000),
      // The server has ended the session by then: the sign-in page says why.
      setTimeout(() => window.location.assign('/sign-in'), (left + 1) * 1000),
    ]
  }

  const staySignedIn = async () => {
    const body = new URLSearchParams(new FormData(form))
    let next
    try {
      const response = await fetch(form.action, {
        method: 'POST',
        body,
        headers: { Accept: 'application/json' },
        credentials: 'same-origin',
        redirect: 'manual',
      })
      next =
        response.ok && (response.headers.get('content-type') || '').includes('json') ? await response.json() : undefined
    } catch {
      next = undefined
    }
    if (!next) return window.location.assign('/sign-in')
    hide()
    schedule(next)
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault()
    staySignedIn()
  })
  if (continueButton) continueButton.addEventListener('click', hide)
  document.addEventListener('keydown', (event) => {
    if (warning.hidden) return
    if (event.key === 'Tab') {
      // Keep focus inside the dialog: its one button.
      event.preventDefault()
      visibleButton().focus()
    } else if (event.key === 'Escape') {
      event.preventDefault()
      if (mode === 'idle') staySignedIn()
      else hide()
    }
  })

  schedule({
    secondsLeft: Number(warning.dataset.secondsLeft),
    warningSeconds: Number(warning.dataset.warningSeconds),
    endsBecause: warning.dataset.endsBecause,
  })
}
