// Loaded as a module, so it only runs in browsers GOV.UK Frontend supports. Setting the
// body classes here (not in an inline script) keeps the Content Security Policy strict.
import { initAll } from './govuk-frontend.min.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')
initAll()

// A case note being written is also kept in this tab's sessionStorage until the form is sent, so
// leaving the page or reloading it does not lose it. (A save that arrives after the session has
// expired is kept by the server instead: casework/accounts/drafts.py.) Signing out forgets them.
const DRAFT_PREFIX = 'casework-draft:'

function draftFields (form) {
  return Array.from(form.querySelectorAll('textarea, input[type=text]')).filter((field) => field.name)
}

function keepDrafts (form) {
  const key = DRAFT_PREFIX + new URL(form.getAttribute('action') || window.location.pathname, window.location.href).pathname
  const fields = draftFields(form)
  let kept = null
  try {
    kept = JSON.parse(window.sessionStorage.getItem(key) || 'null')
  } catch (error) {
    kept = null
  }
  if (kept && fields.every((field) => !field.value)) {
    let restored = false
    for (const field of fields) {
      if (kept[field.name]) {
        field.value = kept[field.name]
        restored = true
      }
    }
    if (restored) {
      const notice = document.createElement('div')
      notice.className = 'govuk-inset-text'
      notice.textContent = 'We kept the note you were writing in this tab. Check it, then save it.'
      form.prepend(notice)
    }
  }
  form.addEventListener('input', () => {
    const values = {}
    for (const field of fields) values[field.name] = field.value
    try {
      window.sessionStorage.setItem(key, JSON.stringify(values))
    } catch (error) {
      // storage full or switched off: the server-side draft still covers an expired session
    }
  })
  form.addEventListener('submit', () => window.sessionStorage.removeItem(key))
}

document.querySelectorAll('form[data-cw-keep-draft]').forEach(keepDrafts)

document.querySelectorAll('form[data-cw-sign-out]').forEach((form) => {
  form.addEventListener('submit', () => {
    for (const key of Object.keys(window.sessionStorage)) {
      if (key.startsWith(DRAFT_PREFIX)) window.sessionStorage.removeItem(key)
    }
  })
})
