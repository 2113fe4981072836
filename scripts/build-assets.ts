// Compiles the Sass and copies govuk-frontend's script into public/ (generated, not committed).
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as sass from 'sass'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(import.meta.url)
const govuk = join(dirname(require.resolve('govuk-frontend/package.json')), 'dist')
const out = join(root, 'public')

export function buildAssets(): void {
  mkdirSync(join(out, 'stylesheets'), { recursive: true })
  mkdirSync(join(out, 'javascripts'), { recursive: true })
  const css = sass.compile(join(root, 'src/web/assets/scss/application.scss'), {
    loadPaths: [govuk],
    style: 'compressed',
    quietDeps: true,
    silenceDeprecations: ['import', 'global-builtin', 'color-functions', 'slash-div'],
  })
  writeFileSync(join(out, 'stylesheets/application.css'), css.css)
  copyFileSync(join(govuk, 'govuk/govuk-frontend.min.js'), join(out, 'javascripts/govuk-frontend.min.js'))
  // Every enhancement script (application.js, evidence-upload.js …); CSP allows only 'self' scripts.
  for (const file of readdirSync(join(root, 'src/web/assets/js')).filter((f) => f.endsWith('.js'))) {
    copyFileSync(join(root, 'src/web/assets/js', file), join(out, 'javascripts', file))
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) buildAssets()
