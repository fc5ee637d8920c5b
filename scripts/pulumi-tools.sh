#!/usr/bin/env bash
# Builds the Pulumi CLI the engine tests run, into a cache outside the repository, and reuses it.
#
#   scripts/pulumi-tools.sh          build when missing; print the bin directory on stdout
#   scripts/pulumi-tools.sh --check  print the bin directory if it is complete, else exit 3 (no build)
#
# The bin directory holds:
#   pulumi                          github.com/pulumi/pulumi/pkg/v3/cmd/pulumi at the version of the
#                                   npm package @pulumi/pulumi (tools/pulumi/go.mod pins it);
#   pulumi-language-nodejs          this project's Node.js language host (tools/pulumi/langhost: the
#                                   Go module proxy does not serve Pulumi's own; see its doc comment);
#   pulumi-resource-pulumi-nodejs   the dynamic-provider plugin launcher @pulumi/pulumi ships;
#   pulumi-language-yaml            Pulumi YAML's language host (github.com/pulumi/pulumi-yaml, pinned
#                                   in tools/pulumi-yaml), for the Pulumi YAML example's type check.
# The engine finds the plugins next to `pulumi`.
#
# Cache: ${ASC_TOOLS_CACHE:-$HOME/.cache/asc-autoprovision}/pulumi-<version>/bin. The CLI is built
# once per version; the language host again when its source changes. Needs Go (1.25+) and the Go
# module proxy; a first build takes several minutes on 2 cores.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TOOLS="$ROOT/tools/pulumi"
YAML_TOOLS="$ROOT/tools/pulumi-yaml"
CACHE="${ASC_TOOLS_CACHE:-$HOME/.cache/asc-autoprovision}"

TOOL=pulumi
. "$(dirname "$0")/lib/tool-cache.sh"

# The version: package.json pins @pulumi/pulumi exactly; go.mod must require the same.
VERSION="$(sed -n 's/^ *"@pulumi\/pulumi": *"\([0-9][0-9.]*\)".*/\1/p' "$ROOT/package.json" | head -1)"
[ -n "$VERSION" ] || die "package.json does not pin @pulumi/pulumi to an exact version"
grep -q "github.com/pulumi/pulumi/pkg/v3 v$VERSION\$" "$TOOLS/go.mod" ||
  die "tools/pulumi/go.mod does not require github.com/pulumi/pulumi/pkg/v3 v$VERSION (package.json's @pulumi/pulumi); update both together"

BIN="$CACHE/pulumi-$VERSION/bin"
# The language host is rebuilt when its source or the module's requirements change.
HOST_STAMP="$(cat "$TOOLS/go.mod" "$TOOLS/go.sum" "$TOOLS"/langhost/*.go | sha256sum | cut -c1-16)"
YAML_STAMP="$(cat "$YAML_TOOLS/go.mod" "$YAML_TOOLS/go.sum" | sha256sum | cut -c1-16)"

complete() {
  [ -x "$BIN/pulumi" ] && [ -x "$BIN/pulumi-resource-pulumi-nodejs" ] &&
    [ -x "$BIN/pulumi-language-nodejs" ] && [ "$(cat "$BIN/.langhost-stamp" 2>/dev/null)" = "$HOST_STAMP" ] &&
    [ -x "$BIN/pulumi-language-yaml" ] && [ "$(cat "$BIN/.yaml-stamp" 2>/dev/null)" = "$YAML_STAMP" ]
}

tool_cache_start "$@"

command -v go >/dev/null || die "Go is not installed: install Go 1.25+ (or put a Pulumi CLI $VERSION on PATH and set ASC_PULUMI_BIN to its directory)"
mkdir -p "$BIN"
# Build into a temporary name and move, so an interrupted build never leaves a half-written binary.
build() { # <module directory> <output name> <package> [ldflags]
  local module="$1" out="$2" pkg="$3" ldflags="${4:-}"
  (cd "$module" && go build -trimpath -ldflags "$ldflags" -o "$BIN/.$out.tmp" "$pkg") && mv -f "$BIN/.$out.tmp" "$BIN/$out"
}
if [ ! -x "$BIN/pulumi" ]; then
  echo "pulumi-tools: building the Pulumi CLI $VERSION into $BIN (once; several minutes)" >&2
  start=$(date +%s)
  build "$TOOLS" pulumi github.com/pulumi/pulumi/pkg/v3/cmd/pulumi "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$VERSION"
  echo "pulumi-tools: pulumi built in $(( $(date +%s) - start )) s" >&2
fi
if [ "$(cat "$BIN/.langhost-stamp" 2>/dev/null)" != "$HOST_STAMP" ] || [ ! -x "$BIN/pulumi-language-nodejs" ]; then
  echo "pulumi-tools: building pulumi-language-nodejs" >&2
  build "$TOOLS" pulumi-language-nodejs ./langhost "-X main.version=$VERSION"
  echo "$HOST_STAMP" > "$BIN/.langhost-stamp"
fi
if [ "$(cat "$BIN/.yaml-stamp" 2>/dev/null)" != "$YAML_STAMP" ] || [ ! -x "$BIN/pulumi-language-yaml" ]; then
  echo "pulumi-tools: building pulumi-language-yaml (once; a few minutes)" >&2
  start=$(date +%s)
  build "$YAML_TOOLS" pulumi-language-yaml github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml
  echo "$YAML_STAMP" > "$BIN/.yaml-stamp"
  echo "pulumi-tools: pulumi-language-yaml built in $(( $(date +%s) - start )) s" >&2
fi

LAUNCHER="$ROOT/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
[ -f "$LAUNCHER" ] || die "$LAUNCHER is missing: run npm ci first"
install -m 755 "$LAUNCHER" "$BIN/pulumi-resource-pulumi-nodejs"

complete || die "the build finished but $BIN is incomplete"
echo "$BIN"
