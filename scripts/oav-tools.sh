#!/usr/bin/env bash
# Installs Microsoft's OpenAPI validation tool `oav` (npm package oav) into a cache outside the
# repository, and reuses it; prints the directory that holds `oav`.
#
#   scripts/oav-tools.sh           install when missing; print the bin directory on stdout
#   scripts/oav-tools.sh --check   print the bin directory if it is installed, else exit 3
#
# oav 4.0.3's traffic validation renders its report from a template its package does not ship
# (dist/lib/templates/baseLayout.mustache is missing), so `oav validate-traffic` exits 1 even when
# the traffic is valid. The project does not run it through that path: test/contract/oav.ts calls
# oav's TrafficValidator through its library API and reads the result objects itself, so nothing
# in the package is patched and every failure the library reports is seen.
#
# Cache: ${ASC_TOOLS_CACHE:-$HOME/.cache/asc-autoprovision}/oav-<version>.
set -euo pipefail
OAV_VERSION=4.0.3
CACHE="${ASC_TOOLS_CACHE:-$HOME/.cache/asc-autoprovision}"
DIR="$CACHE/oav-$OAV_VERSION"
BIN="$DIR/node_modules/.bin"

TOOL=oav
. "$(dirname "$0")/lib/tool-cache.sh"
complete() { [ -x "$BIN/oav" ] && [ -f "$DIR/.complete" ]; }

tool_cache_start "$@"

echo "oav-tools: installing oav@$OAV_VERSION into $DIR" >&2
rm -rf "$DIR.tmp" && mkdir -p "$DIR.tmp"
npm install --prefix "$DIR.tmp" --no-save --no-audit --no-fund --no-package-lock --loglevel=error "oav@$OAV_VERSION" >&2 ||
  { rm -rf "$DIR.tmp"; die "npm install oav@$OAV_VERSION failed (output above)"; }
touch "$DIR.tmp/.complete"
rm -rf "$DIR" && mv "$DIR.tmp" "$DIR"
echo "$BIN"
