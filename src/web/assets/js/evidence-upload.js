// Progressive enhancement for evidence uploads: lets people drop a file onto the upload form.
// Without this script the plain file input works exactly the same; the server checks everything.
for (const form of document.querySelectorAll('form[data-evidence-upload]')) {
  const input = form.querySelector('input[type="file"]')
  const group = input && input.closest('.govuk-form-group')
  if (!input || !group) continue

  const status = document.createElement('p')
  status.className = 'govuk-body app-drop-status'
  status.setAttribute('aria-live', 'polite')
  status.textContent = 'You can also drag a file here.'
  group.append(status)
  group.classList.add('app-drop-zone')

  const over = (event) => {
    if (!event.dataTransfer || !Array.from(event.dataTransfer.types).includes('Files')) return
    event.preventDefault()
    event.dataTransfer.dropEffect = 'copy'
    group.classList.add('app-drop-zone--over')
  }
  const leave = () => group.classList.remove('app-drop-zone--over')
  group.addEventListener('dragenter', over)
  group.addEventListener('dragover', over)
  group.addEventListener('dragleave', leave)
  group.addEventListener('drop', (event) => {
    leave()
    if (!event.dataTransfer || event.dataTransfer.files.length === 0) return
    event.preventDefault()
    if (event.dataTransfer.files.length > 1) {
      status.textContent = 'Drop one file at a time.'
      return
    }
    // Only the file input is ever sent: the dropped file becomes its selection.
    const chosen = new DataTransfer()
    chosen.items.add(event.dataTransfer.files[0])
    input.files = chosen.files
    input.dispatchEvent(new Event('change', { bubbles: true }))
    status.textContent = `Selected ${event.dataTransfer.files[0].name}. Select Upload to send it.`
  })
  // Stop a file dropped just outside the zone from replacing the page.
  window.addEventListener('dragover', (event) => event.preventDefault())
  window.addEventListener('drop', (event) => event.preventDefault())
}
