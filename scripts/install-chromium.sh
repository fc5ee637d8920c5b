#!/usr/bin/env bash
# Installs Debian's Chromium (/usr/bin/chromium) when it is missing, for the HTML report test
# (test/report/html.chromium.test.ts, driven by playwright-core: no browser download). Used by
# .ci/run and by that test's beforeAll. Idempotent. Prints the path of the binary.
# apt-get needs root: as root it runs directly, otherwise through sudo when sudo works without a
# password prompt; with neither it fails with the command to run.
set -euo pipefail
CHROMIUM=/usr/bin/chromium
if [ ! -x "$CHROMIUM" ]; then
  HINT="install it with: apt-get update && apt-get install -y --no-install-recommends chromium (as root; Debian or Ubuntu), or point CHROMIUM_PATH at a Chromium binary"
  if ! command -v apt-get >/dev/null; then
    echo "Chromium is missing at $CHROMIUM and there is no apt-get here: $HINT" >&2
    exit 1
  fi
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
      SUDO="sudo -n"
    else
      echo "Chromium is missing at $CHROMIUM and installing it needs root (not root, no password-less sudo): $HINT" >&2
      exit 1
    fi
  fi
  LOG="$(mktemp)"
  echo "installing Chromium with apt-get (once; log in $LOG)" >&2
  { $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; } >"$LOG" 2>&1 ||
    { tail -20 "$LOG" >&2; echo "apt-get install chromium failed (log above): $HINT" >&2; exit 1; }
  rm -f "$LOG"
fi
echo "$CHROMIUM"
