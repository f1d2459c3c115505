#!/usr/bin/env bash
# Installs a Node.js release from the npm registry into .node/<major>/ of this checkout and prints
# the two lines that put it to use: PATH (its bin/ first) and npm_config_nodedir (its own headers,
# so native modules such as better-sqlite3 build against it with no header download).
#
#   scripts/node.sh 24            # install (once) and print the exports
#   eval "$(scripts/node.sh 24)"  # use it in this shell
#
# The registry's `node` package is a shim whose install script fetches `node-<os>-<arch>` (the
# official binary, headers included); that package is installed here directly, without running
# anybody's install script. The exact versions are pinned below; CI tests these.
set -euo pipefail
major="${1:?usage: scripts/node.sh 22|24}"
case "$major" in
  24) version=24.22.3 ;;
  22) version=22.23.5 ;;
  *) echo "scripts/node.sh: Node $major is not supported (22 or 24)" >&2; exit 2 ;;
esac
case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64) arch=arm64 ;;
  *) echo "scripts/node.sh: no Node package for $(uname -m)" >&2; exit 2 ;;
esac
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/.node/$major"
pkg="$dir/node_modules/node-linux-$arch"
if [ ! -x "$pkg/bin/node" ] || [ "$("$pkg/bin/node" --version)" != "v$version" ]; then
  mkdir -p "$dir"
  # A package.json of its own keeps npm from walking up into the project's.
  [ -f "$dir/package.json" ] || echo '{"private":true}' >"$dir/package.json"
  npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error "node-linux-$arch@$version" >&2
fi
echo "export PATH=\"$pkg/bin:\$PATH\""
echo "export npm_config_nodedir=\"$pkg\""
