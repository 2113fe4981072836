// Adds up the results of the runs made by scripts/test-all.sh and prints, as the very last line,
// `N passed, N failed`. Exits 1 when anything failed, 0 otherwise.
//
// Usage: node test/support/summary.mjs <steps.tsv>
// Each line of steps.tsv: label <TAB> exit code <TAB> seconds <TAB> vitest JSON report path, or `-`
// for a step that has no report (typecheck, install...). A step without a report that failed
// counts as 1 failed; a run whose report is missing (it crashed) counts as 1 failed; a run that
// exited non-zero with no failing test in its report (an unhandled error, a file that did not
// load) counts as 1 failed.
import { existsSync, readFileSync } from 'node:fs'

const stepsFile = process.argv[2]
if (!stepsFile) {
  console.error('usage: node test/support/summary.mjs <steps.tsv>')
  process.exit(2)
}

const rows = readFileSync(stepsFile, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => {
    const [label = '?', code = '1', seconds = '0', report = '-'] = l.split('\t')
    return { label, code: Number(code), seconds: Number(seconds), report }
  })

let passed = 0
let failed = 0
const lines = []
// The failing tests by name, printed just above the last line so that a log's tail names them.
const failures = []
const firstLine = (text) =>
  String(text ?? '')
    .split('\n')
    .find((l) => l.trim() !== '') ?? ''
const width = Math.max(12, ...rows.map((r) => r.label.length))

for (const row of rows) {
  const time = `${row.seconds}s`
  const name = row.label.padEnd(width)
  if (row.report === '-') {
    if (row.code === 0) {
      lines.push(`${name}  ok (${time})`)
    } else {
      failed += 1
      lines.push(`${name}  FAILED, exit ${row.code}: counted as 1 failed (${time})`)
    }
    continue
  }
  if (!existsSync(row.report)) {
    failed += 1
    lines.push(`${name}  CRASHED, exit ${row.code}, no report: counted as 1 failed (${time})`)
    continue
  }
  let report
  try {
    report = JSON.parse(readFileSync(row.report, 'utf8'))
  } catch (err) {
    failed += 1
    lines.push(`${name}  unreadable report (${err.message}): counted as 1 failed (${time})`)
    continue
  }
  const p = report.numPassedTests ?? 0
  let f = report.numFailedTests ?? 0
  const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0)
  const notes = []
  // A test file that failed without a failing test (it did not load, or a hook threw): 1 each.
  const brokenFiles = (report.testResults ?? []).filter(
    (file) => file.status === 'failed' && !(file.assertionResults ?? []).some((a) => a.status === 'failed'),
  )
  if (brokenFiles.length > 0) {
    f += brokenFiles.length
    notes.push(`${brokenFiles.length} file(s) failed outside a test`)
  }
  if (row.code !== 0 && f === 0) {
    f = 1
    notes.push(`exit ${row.code} with no failing test: counted as 1 failed`)
  }
  if (p + f === 0 && row.code === 0) notes.push('ran no test')
  for (const file of report.testResults ?? []) {
    const where = String(file.name ?? '?').replace(`${process.cwd()}/`, '')
    const failing = (file.assertionResults ?? []).filter((a) => a.status === 'failed')
    for (const a of failing) {
      failures.push(
        `${row.label}: ${where} > ${a.fullName ?? a.title}: ${firstLine(a.failureMessages?.[0]).slice(0, 300)}`,
      )
    }
    if (file.status === 'failed' && failing.length === 0) {
      failures.push(`${row.label}: ${where}: ${firstLine(file.message).slice(0, 300)}`)
    }
  }
  passed += p
  failed += f
  lines.push(
    `${name}  ${p} passed, ${f} failed${skipped ? `, ${skipped} skipped` : ''} (${time})${notes.length ? ` [${notes.join('; ')}]` : ''}`,
  )
}

console.log('')
console.log('Summary:')
for (const line of lines) console.log(`  ${line}`)
if (failures.length > 0) {
  console.log('Failed:')
  for (const line of failures.slice(0, 20)) console.log(`  ${line}`)
  if (failures.length > 20) console.log(`  ...and ${failures.length - 20} more`)
}
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed > 0 ? 1 : 0)
