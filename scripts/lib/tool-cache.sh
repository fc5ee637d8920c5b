# Sourced by scripts/*-tools.sh: the command line every tool installer shares.
# The caller defines TOOL (its name in messages), BIN (the cached bin directory) and complete()
# (true when the cached tool is whole), then calls `tool_cache_start "$@"`:
#   --check      print BIN if the tool is complete, else exit 3 (never installs)
#   (nothing)    print BIN and exit if the tool is complete; otherwise return, so the caller installs
die() { echo "$TOOL-tools: $*" >&2; exit 1; }

tool_cache_start() {
  if [ "${1:-}" = "--check" ]; then
    complete && { echo "$BIN"; exit 0; }
    exit 3
  fi
  [ $# -eq 0 ] || die "unknown argument: $1 (usage: scripts/$TOOL-tools.sh [--check])"
  if complete; then echo "$BIN"; exit 0; fi
}
