#!/usr/bin/env bash
# Builds the Terraform CLI the CDKTF checks run (test/cdktf/terraform.test.ts), into a cache outside
# the repository, and reuses it.
#
#   scripts/terraform-tools.sh          build when missing; print the bin directory on stdout
#   scripts/terraform-tools.sh --check  print the bin directory if terraform is there, else exit 3 (no build)
#
# Terraform comes from its Go module through the Go module proxy (`go install
# github.com/hashicorp/terraform@v1.5.7`). 1.5.7 is the last release that `go install` can build:
# from 1.6 on, Terraform's go.mod has `replace` directives (its backends are modules of their own
# that are never published), which `go install module@version` refuses. The azurerm provider is not
# built: the CDKTF check runs `terraform init -backend=false` with a provider mirror that holds
# nothing, so it reads and checks the synthesized configuration and then stops, naming the provider
# it cannot install (see the test).
#
# Cache: ${ASC_TOOLS_CACHE:-$HOME/.cache/asc-autoprovision}/terraform-<version>/bin. Needs Go and the
# Go module proxy; a first build takes several minutes on 2 cores.
set -euo pipefail
VERSION="1.5.7"
CACHE="${ASC_TOOLS_CACHE:-$HOME/.cache/asc-autoprovision}"
BIN="$CACHE/terraform-$VERSION/bin"

TOOL=terraform
. "$(dirname "$0")/lib/tool-cache.sh"

# The version's output read whole: `| grep -q` closes the pipe early, and under pipefail terraform's
# SIGPIPE then failed the check now and then (the CDKTF test was skipped in one CI run). No
# checkpoint call: there is no network to ask for newer versions.
complete() {
  [ -x "$BIN/terraform" ] || return 1
  local out
  out="$(CHECKPOINT_DISABLE=1 "$BIN/terraform" version 2>/dev/null)" || return 1
  [[ "$out" == "Terraform v$VERSION"* ]]
}

tool_cache_start "$@"

command -v go >/dev/null || die "Go is not installed: install Go (or put terraform $VERSION in $BIN)"
mkdir -p "$BIN"
# Build into a temporary directory and move, so an interrupted build never leaves a half-written binary.
TMP="$(mktemp -d "$BIN/.build.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
echo "terraform-tools: building terraform $VERSION into $BIN (once; several minutes)" >&2
start=$(date +%s)
GOBIN="$TMP" GOFLAGS=-trimpath go install "github.com/hashicorp/terraform@v$VERSION"
mv -f "$TMP/terraform" "$BIN/terraform"
echo "terraform-tools: terraform built in $(( $(date +%s) - start )) s" >&2
echo "$BIN"
