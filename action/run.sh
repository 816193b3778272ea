#!/usr/bin/env bash
# Run svclint once for the composite action: annotations on stdout, SARIF to a file, a
# markdown job summary; the exit code goes to $GITHUB_OUTPUT so upload runs before the gate.
set -uo pipefail

args=(check --format github --format "sarif:${INPUT_SARIF_FILE:-svclint.sarif}")
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  summary="$(mktemp)"
  args+=(--format "markdown:${summary}")
fi
[ -n "${INPUT_CONFIG:-}" ] && args+=(--config "$INPUT_CONFIG")
[ -n "${INPUT_FAIL_ON:-}" ] && args+=(--fail-on "$INPUT_FAIL_ON")
[ -n "${INPUT_BASELINE:-}" ] && args+=(--baseline "$INPUT_BASELINE")

# INPUT_PATH holds space-separated paths; word splitting is intended here.
# shellcheck disable=SC2206
paths=(${INPUT_PATH:-.})

svclint "${args[@]}" -- "${paths[@]}"
code=$?

if [ -n "${summary:-}" ] && [ -f "$summary" ]; then
  cat "$summary" >> "$GITHUB_STEP_SUMMARY"
  rm -f "$summary"
fi
echo "exit-code=${code}" >> "${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"
# The step itself succeeds so the SARIF upload still runs; the last step applies the gate.
if [ "$code" -ge 2 ]; then
  exit "$code"
fi
exit 0
