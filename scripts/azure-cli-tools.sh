#!/usr/bin/env bash
# Installs Microsoft's Azure CLI (the PyPI package azure-cli) into a Python virtual environment in a
# cache outside the repository, and reuses it; prints the directory that holds `az`.
#
#   scripts/azure-cli-tools.sh           install when missing; print the bin directory on stdout
#   scripts/azure-cli-tools.sh --check   print the bin directory if it is installed, else exit 3
#
# The version is AZURE_CLI_VERSION below (the current release when it was set; the CLI test and
# README name it). Change it here to test another; the venv is per version.
#
# Cache: ${ASC_TOOLS_CACHE:-$HOME/.cache/asc-autoprovision}/azure-cli-<version>. Needs python3 with
# the venv module and PyPI; a first install takes a few minutes (the CLI is ~150 packages).
set -euo pipefail
AZURE_CLI_VERSION=2.91.0
CACHE="${ASC_TOOLS_CACHE:-$HOME/.cache/asc-autoprovision}"
DIR="$CACHE/azure-cli-$AZURE_CLI_VERSION"
BIN="$DIR/bin"

TOOL=azure-cli
. "$(dirname "$0")/lib/tool-cache.sh"
complete() { [ -x "$BIN/az" ] && [ -f "$DIR/.complete" ]; }

tool_cache_start "$@"

PYTHON="${PYTHON:-python3}"
command -v "$PYTHON" >/dev/null || die "python3 is not installed (the Azure CLI is a Python package)"
"$PYTHON" -c 'import venv, ensurepip' 2>/dev/null || die "python3 lacks the venv/ensurepip modules (Debian: apt-get install python3-venv)"
echo "azure-cli-tools: installing azure-cli $AZURE_CLI_VERSION into $DIR (once; a few minutes)" >&2
start=$(date +%s)
# Build in a temporary directory and move it into place, so an interrupted install never looks
# complete. A venv records its own path, so it is created at its final name: the temporary one is
# removed before a retry.
rm -rf "$DIR"
mkdir -p "$CACHE"
"$PYTHON" -m venv "$DIR"
"$DIR/bin/python" -m pip install --quiet --disable-pip-version-check --no-input "azure-cli==$AZURE_CLI_VERSION" >&2 ||
  { rm -rf "$DIR"; die "pip install azure-cli==$AZURE_CLI_VERSION failed (output above)"; }
touch "$DIR/.complete"
echo "azure-cli-tools: installed in $(( $(date +%s) - start )) s" >&2
echo "$BIN"
