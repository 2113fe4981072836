#!/usr/bin/env bash
# Installs the system packages the test suite needs, from Debian's packages only:
#   - chromium   (/usr/bin/chromium: the e2e tests drive it with playwright-core; never a browser download)
#   - postgresql (/usr/lib/postgresql/*/bin/initdb: test/support/postgres.ts starts a throwaway server)
#   - fonts-liberation (Arial-metric fonts: GOV.UK Frontend falls back to Arial, so layout-dependent
#     checks such as axe's target-size see the sizes a real browser would; only a Recommends of chromium)
# and makes sure the `postgres` system user exists (PostgreSQL refuses to run as root, so the
# throwaway server runs as that user when the tests run as root).
# Idempotent: when all three are already there it does nothing, and runs `apt-get update` at most once.
set -euo pipefail

have_chromium() { [ -x /usr/bin/chromium ]; }
have_postgres() { compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; }

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO=(sudo -n)
else
  SUDO=(unavailable)
fi

as_root() {
  if [ "${SUDO[0]:-}" = unavailable ]; then
    echo "install-test-deps.sh: need root (or password-less sudo) to run: $*" >&2
    return 1
  fi
  "${SUDO[@]}" "$@"
}

packages=()
have_chromium || packages+=(chromium)
have_postgres || packages+=(postgresql)
[ -d /usr/share/fonts/truetype/liberation ] || packages+=(fonts-liberation)

if [ "${#packages[@]}" -gt 0 ]; then
  echo "install-test-deps.sh: installing ${packages[*]} from Debian's packages"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}"
fi

# Debian's postgresql package creates the user, but make sure of it (e.g. when only the
# server binaries were copied in, or the package's maintainer scripts were skipped).
if ! id -u postgres >/dev/null 2>&1; then
  echo "install-test-deps.sh: creating the postgres system user"
  as_root useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/bash postgres
fi

# Debian's package starts a cluster on port 5432; the tests never use it (they start their own
# server on a free port), so it is left as it is.

have_chromium || { echo "install-test-deps.sh: /usr/bin/chromium is still missing" >&2; exit 1; }
have_postgres || { echo "install-test-deps.sh: initdb is still missing under /usr/lib/postgresql" >&2; exit 1; }
echo "install-test-deps.sh: chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}'), postgresql $(ls /usr/lib/postgresql | sort -n | tail -1): ready"
