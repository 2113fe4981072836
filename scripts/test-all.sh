#!/usr/bin/env bash
# Runs the whole test suite, as CI does (`.ci/run` execs this):
#   1. system packages (Debian chromium + postgresql)      scripts/install-test-deps.sh
#   2. npm ci, only when node_modules is missing or package-lock.json changed since the last one
#   3. typecheck                                            tsc --noEmit
#      lint: ESLint, Prettier --check and knip              npm run lint
#   4. unit tests on the default Node (20.19+)              vitest run --project unit
#   5. unit tests again on Node 22                          scripts/node22.sh (pinned 22.x LTS)
#   6. end-to-end tests on the default Node                 vitest run --project e2e
# Steps 3 to 6 run side by side, taken by a few workers (see below); 1 and 2 come first.
# Every step runs even when an earlier one failed. At the end it prints the counts of each run and,
# as the very last line, `N passed, N failed`; it exits non-zero when anything failed. A failed
# step without tests (install, typecheck, a run that crashed without a report) counts as 1 failed.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$(pwd)"

export TZ=Europe/London
# CI (CI=true in CI) is passed through as it is.

results="$root/.tmp/test-results"
rm -rf "$results"
mkdir -p "$results"
steps="$results/steps.tsv"
: >"$steps"

# Upper bounds per step, only to stop a hang inside CI's 20 minutes. A unit run takes about 12 minutes
# beside the others on 2 cores (each keeps one core busy at most), so its bound is 18 minutes.
: "${TEST_ALL_STEP_TIMEOUT:=900}"
: "${TEST_ALL_VITEST_TIMEOUT:=1080}"

started=$(date +%s)
banner() { printf '\n=== %s ===\n' "$*"; }

# record LABEL CODE SECONDS REPORT
record() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$steps"; }

# step LABEL COMMAND...: runs a step without a test report; its failure counts as 1 failed.
step() {
  local label="$1"
  shift
  banner "$label"
  local t0=$SECONDS code
  if declare -F "$1" >/dev/null; then
    "$@" # a function of this script: timeout cannot run it
  else
    timeout --kill-after=30 "$TEST_ALL_STEP_TIMEOUT" "$@"
  fi
  code=$?
  [ "$code" -eq 124 ] && echo "test-all.sh: '$label' timed out after ${TEST_ALL_STEP_TIMEOUT}s" >&2
  record "$label" "$code" "$((SECONDS - t0))" -
  return "$code"
}

# vitest_run LABEL REPORT NODE VITEST-ARGS...: a Vitest run with the default reporter on the
# console and the JSON reporter to REPORT.
vitest_run() {
  local label="$1" report="$2" node="$3"
  shift 3
  banner "$label"
  rm -f "$report"
  local t0=$SECONDS
  timeout --kill-after=30 "$TEST_ALL_VITEST_TIMEOUT" \
    "$node" node_modules/vitest/vitest.mjs run "$@" \
    --reporter=default --reporter=json --outputFile.json="$report"
  local code=$?
  [ "$code" -eq 124 ] && echo "test-all.sh: '$label' timed out after ${TEST_ALL_VITEST_TIMEOUT}s" >&2
  record "$label" "$code" "$((SECONDS - t0))" "$report"
}

# --- 1. system packages ---------------------------------------------------------------------------
step "install test deps" bash scripts/install-test-deps.sh

# --- default Node must be 20.19+ (package.json engines) ----------------------------------------------
node_ok() {
  node -e '
    const [maj, min] = process.versions.node.split(".").map(Number)
    const ok = (maj === 20 && min >= 19) || (maj === 22 && min >= 12) || maj > 22
    if (!ok) { console.error(`Node ${process.version} is too old: the project needs ^20.19.0 || ^22.12.0`); process.exit(1) }
    console.log(`Node ${process.version}`)'
}
step "node version" node_ok

# --- 2. npm ci, only when needed -------------------------------------------------------------------
stamp="node_modules/.jtai-package-lock.sha256"
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
npm_install() {
  if [ -d node_modules ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    echo "node_modules is up to date with package-lock.json: no npm ci"
    return 0
  fi
  if [ -d node_modules ] && [ ! -f "$stamp" ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
    # Installed by hand (npm ci / npm install) after the lock file last changed: trust it.
    echo "node_modules was installed after package-lock.json last changed: no npm ci"
    echo "$want" >"$stamp"
    return 0
  fi
  npm ci --no-audit --no-fund && echo "$want" >"$stamp"
}
step "npm ci" npm_install

# --- 3-6. typecheck, lint and the test runs, side by side ---------------------------------------------
# The assets the end-to-end tests serve are built first (a few seconds). Then the work is split into
# jobs that a few workers take, longest first, each the next job nobody has taken: so no core waits
# while another job is still to do (the end-to-end tests spend much of their time waiting for the
# browser or the app, the unit tests keep a core busy). The session time-out tests, which mostly wait
# for the time-outs to pass, run beside the workers from the start. Each job writes its output to
# .tmp/test-results/job-<name>.log, shown once the run ends; the summary lists the steps in this
# script's order. TEST_ALL_WORKERS sets the number of workers: 4 by default, so the two unit runs
# and both end-to-end groups start at once (on 2 cores the unit runs keep them busy while the
# end-to-end tests wait on a browser), and typecheck and lint take the place of the first to end.

default_node="$(command -v node)"
default_version="$(node --version)"

if [ -f scripts/build-assets.ts ]; then
  step "build assets" node node_modules/.bin/tsx scripts/build-assets.ts
fi

# The end-to-end files in two groups of about the same length; files not named here (new ones)
# join the second group, and the session tests run on their own (job_e2e_session).
e2e_group_a=(test/e2e/foundation.test.ts test/e2e/frameworks.test.ts test/e2e/timeline.test.ts test/e2e/smoke.test.ts)
e2e_session=test/e2e/session.test.ts

job_typecheck() { step "typecheck" node node_modules/typescript/bin/tsc --noEmit; }
job_lint() { step "lint" npm run --silent lint; }
job_unit_default() {
  vitest_run "unit (node $default_version)" "$results/unit-default.json" "$default_node" --project unit
}
job_unit_node22() {
  local node22="" t0=$SECONDS
  banner "node 22"
  if node22="$(bash scripts/node22.sh)" && [ -x "$node22" ]; then
    record "node 22 install" 0 "$((SECONDS - t0))" -
    vitest_run "unit (node $("$node22" --version))" "$results/unit-node22.json" "$node22" --project unit
  else
    record "node 22 install" 1 "$((SECONDS - t0))" -
    echo "test-all.sh: could not install Node 22 (scripts/node22.sh): the Node 22 unit run is counted as failed" >&2
    record "unit (node 22)" 1 0 "$results/unit-node22.json"
  fi
}
job_e2e_a() {
  vitest_run "e2e: ${e2e_group_a[*]##*/} (node $default_version)" "$results/e2e-a.json" "$default_node" \
    --project e2e "${e2e_group_a[@]}"
}
job_e2e_b() {
  local exclude=() f
  for f in "${e2e_group_a[@]}" "$e2e_session"; do exclude+=(--exclude "$f"); done
  vitest_run "e2e: the other files (node $default_version)" "$results/e2e-b.json" "$default_node" --project e2e "${exclude[@]}"
}
job_e2e_session() {
  vitest_run "e2e: ${e2e_session##*/} (node $default_version)" "$results/e2e-session.json" "$default_node" \
    --project e2e "$e2e_session"
}

# Longest first; the order of the summary is the order of `summary_jobs`.
queue=(unit_node22 unit_default e2e_b e2e_a lint typecheck)
summary_jobs=(typecheck lint unit_default unit_node22 e2e_a e2e_b e2e_session)
mkdir -p "$results/claims"

# run_job NAME: runs job_NAME, its output to job-NAME.log and its steps to job-NAME.steps.
run_job() {
  local t0=$SECONDS
  echo "test-all.sh: $1 started"
  (
    steps="$results/job-$1.steps"
    "job_$1"
  ) >"$results/job-$1.log" 2>&1
  echo "test-all.sh: $1 finished ($((SECONDS - t0))s)"
}

# worker: takes the queue's jobs in order, each one no other worker has taken yet (mkdir is atomic).
worker() {
  local job
  for job in "${queue[@]}"; do
    mkdir "$results/claims/$job" 2>/dev/null || continue
    run_job "$job"
  done
}

run_job e2e_session &
pids=($!)
for _ in $(seq "${TEST_ALL_WORKERS:-4}"); do
  worker &
  pids+=($!)
done
wait "${pids[@]}"

for job in "${summary_jobs[@]}"; do
  banner "$job: output"
  cat "$results/job-$job.log" 2>/dev/null
  # A job that recorded nothing (it was killed, or never ran) counts as 1 failed.
  if [ -s "$results/job-$job.steps" ]; then cat "$results/job-$job.steps" >>"$steps"; else record "$job" 1 0 -; fi
done

# --- summary: the last line is `N passed, N failed` ------------------------------------------------
echo ""
echo "test-all.sh: finished in $(($(date +%s) - started))s"
node test/support/summary.mjs "$steps"
