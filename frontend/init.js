// Loaded as a module, so it only runs in browsers GOV.UK Frontend supports. Setting the
// body classes here (not in an inline script) keeps the Content Security Policy strict.
import { initAll } from './govuk-frontend.min.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')
initAll()
