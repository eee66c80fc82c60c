#!/usr/bin/env bash
# The run step of action.yml, kept here so a test can execute it without GitHub: it runs one
# rerank-harness command with the Action's inputs, writes every report into one folder, sets
# the step outputs, and exits with the command's exit code (0 pass, 1 fail, 2 usage/start): the gate.
#
# Inputs (environment): INPUT_COMMAND (check|load|compare), INPUT_TARGET (one spec per line; compare
# takes several), INPUT_DIALECT, INPUT_ARGS (extra arguments, shell-quoted, never evaluated),
# INPUT_REPORT_DIR (default $RUNNER_TEMP/rerank-harness-reports), RERANK_HARNESS_BIN (the CLI;
# default rerank-harness on PATH). GITHUB_OUTPUT and GITHUB_STEP_SUMMARY as the runner sets them.
set -euo pipefail

fail_usage() {
  echo "::error title=rerank-harness action::$1"
  exit 2
}

command="${INPUT_COMMAND:-check}"
case "$command" in
  check | load | compare) ;;
  *) fail_usage "command must be check, load or compare (got '$command')" ;;
esac

report_dir="${INPUT_REPORT_DIR:-${RUNNER_TEMP:-${TMPDIR:-/tmp}}/rerank-harness-reports}"
mkdir -p "$report_dir"

args=("$command")
while IFS= read -r spec; do
  spec="${spec#"${spec%%[![:space:]]*}"}"
  spec="${spec%"${spec##*[![:space:]]}"}"
  [ -n "$spec" ] && args+=(--target "$spec")
done <<< "${INPUT_TARGET:-}"
[ -n "${INPUT_DIALECT:-}" ] && args+=(--dialect "$INPUT_DIALECT")

# Extra arguments: split by xargs's quoting rules ('…', "…", \), with no expansion or command
# substitution, so a value from an untrusted context cannot run anything.
if [ -n "${INPUT_ARGS:-}" ]; then
  split=$(mktemp)
  if ! printf '%s' "$INPUT_ARGS" | xargs -r printf '%s\0' > "$split" 2> /dev/null; then
    rm -f "$split"
    fail_usage "args: cannot split it into arguments (an unmatched quote?)"
  fi
  while IFS= read -r -d '' word; do args+=("$word"); done < "$split"
  rm -f "$split"
fi

summary="$report_dir/summary.md"
json="$report_dir/report.json"
args+=(--json "$json" --summary "$summary")
junit=""
case "$command" in
  check)
    junit="$report_dir/junit.xml"
    args+=(--junit "$junit")
    ;;
  load | compare) args+=(--html "$report_dir/report.html") ;;
esac

bin="${RERANK_HARNESS_BIN:-rerank-harness}"
echo "rerank-harness ${args[*]}"
status=0
"$bin" "${args[@]}" || status=$?

if [ -n "${GITHUB_OUTPUT:-}" ]; then
  {
    echo "exit-code=$status"
    echo "report-dir=$report_dir"
    echo "summary=$summary"
    echo "json=$json"
    echo "junit=$junit"
  } >> "$GITHUB_OUTPUT"
fi
exit "$status"
