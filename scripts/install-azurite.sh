#!/usr/bin/env bash
# Installs Azurite (Microsoft's Azure Storage emulator, from npm) into a cache outside the
# repository, for the tests of the Azure Storage state backend (test/state). Idempotent: an
# existing install of the pinned version is kept. Prints the path of azurite-blob.
#   ASC_AZURITE_HOME  where to install (default: ${XDG_CACHE_HOME:-$HOME/.cache}/asc-autoprovision/azurite-VERSION)
# 3.35.0 is the newest release that supports Node 20 (3.36 needs Node 21, 3.37 Node 22).
set -euo pipefail
VERSION=3.35.0
HOME_DIR="${ASC_AZURITE_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/asc-autoprovision/azurite-$VERSION}"
BIN="$HOME_DIR/node_modules/.bin/azurite-blob"
if [ ! -x "$BIN" ]; then
  mkdir -p "$HOME_DIR"
  # A package.json of its own, so npm installs here and never touches the repository's.
  [ -f "$HOME_DIR/package.json" ] || echo '{"name":"asc-azurite-cache","private":true}' > "$HOME_DIR/package.json"
  npm install --prefix "$HOME_DIR" --no-audit --no-fund --no-save --loglevel=error "azurite@$VERSION" >&2
fi
echo "$BIN"
