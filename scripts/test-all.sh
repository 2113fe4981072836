#!/usr/bin/env bash
# Runs the whole test suite, as CI does (`.ci/run` execs this):
#   1. system packages (Debian chromium + postgresql)      scripts/install-test-deps.sh
#   2. npm ci, only when node_modules is missing or package-lock.json changed since the last one
#   3. typecheck                                            tsc --noEmit
#      lint: ESLint, Prettier --check and knip              npm run lint
#   4. unit tests on the default Node (20.19+)              vitest run --project unit
#   5. unit tests again on Node 22                          scripts/node22.sh (pinned 22.x LTS)
#   6. end-to-end tests on the default Node                 vitest run --project e2e
# Steps 3 to 6 run side by side in three lanes (see below); 1 and 2 come first.
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

# Upper bounds per step, only to stop a hang well inside CI's limit; normal runs take far less.
: "${TEST_ALL_STEP_TIMEOUT:=900}"
: "${TEST_ALL_VITEST_TIMEOUT:=900}"

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

# --- 3-6. typecheck, lint and the test runs, in lanes that run side by side -------------------------
# Each of them keeps about one core busy at most (a unit run has one Vitest worker on two cores; the
# end-to-end tests run one file at a time and wait for the browser, the app or a time-out much of
# it), so on a small machine they finish sooner side by side than one after another. Lanes:
#   checks     typecheck, lint, then the unit tests on the default Node
#   node 22    Node 22 install, then the unit tests on Node 22
#   e2e        build assets, then the end-to-end tests (the session time-out tests beside the others)
# Each lane writes its output to .tmp/test-results/<lane>.log; the checks lane is also shown as it
# runs, the others once they finish. The summary lists the steps in this script's order.

default_node="$(command -v node)"
default_version="$(node --version)"

lane_checks() {
  step "typecheck" node node_modules/typescript/bin/tsc --noEmit
  step "lint" npm run --silent lint
  vitest_run "unit (node $default_version)" "$results/unit-default.json" "$default_node" --project unit
}

lane_node22() {
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

lane_e2e() {
  if [ -f scripts/build-assets.ts ]; then
    step "build assets" node node_modules/.bin/tsx scripts/build-assets.ts
  fi
  # The session time-out tests mostly wait for the time-outs (about a minute and a half): a second
  # Vitest runs them beside the other files.
  local session=test/e2e/session.test.ts
  (
    steps="$results/e2e-session.steps"
    vitest_run "e2e session time-outs (node $default_version)" "$results/e2e-session.json" "$default_node" --project e2e "$session"
  ) >"$results/e2e-session.log" 2>&1 &
  local session_pid=$!
  vitest_run "e2e (node $default_version)" "$results/e2e-default.json" "$default_node" --project e2e --exclude "$session"
  wait "$session_pid"
  banner "e2e session time-outs: output"
  cat "$results/e2e-session.log"
}

# run_lane NAME FUNCTION: runs the lane in the background, its output to NAME.log and its steps to NAME.steps.
run_lane() {
  (
    steps="$results/$1.steps"
    "$2"
  ) >"$results/$1.log" 2>&1 &
}

: >"$results/checks.log"
run_lane e2e lane_e2e
e2e_pid=$!
run_lane node22 lane_node22
node22_pid=$!
run_lane checks lane_checks
checks_pid=$!
# Show the checks lane as it runs.
tail -n +1 -f "$results/checks.log" --pid="$checks_pid" &
tail_pid=$!
wait "$checks_pid"
wait "$tail_pid" 2>/dev/null
for lane in node22 e2e; do
  pid_var="${lane}_pid"
  wait "${!pid_var}"
  banner "$lane lane: output"
  cat "$results/$lane.log"
done
for lane in checks node22 e2e e2e-session; do
  # A lane that recorded nothing (it was killed) counts as 1 failed.
  if [ -s "$results/$lane.steps" ]; then cat "$results/$lane.steps" >>"$steps"; else record "$lane lane" 1 0 -; fi
done

# --- summary: the last line is `N passed, N failed` ------------------------------------------------
echo ""
echo "test-all.sh: finished in $(($(date +%s) - started))s"
node test/support/summary.mjs "$steps"
