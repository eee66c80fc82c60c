#!/usr/bin/env bash
# The install step of action.yml: puts the rerank-harness CLI on the runner and names it in
# RERANK_HARNESS_BIN (through GITHUB_ENV) for the run step.
# INPUT_PACKAGE set (e.g. rerank-harness@0.1.0): installed from the npm registry.
# INPUT_PACKAGE empty: built from the Action's own checkout, the same commit as `uses: …@ref`.
set -euo pipefail
# onnxruntime-node's install script downloads CUDA parts; the CPU runtime ships in the package.
export ONNXRUNTIME_NODE_INSTALL=skip

if [ -n "${INPUT_PACKAGE:-}" ]; then
  prefix="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/rerank-harness-cli"
  npm install --prefix "$prefix" --no-audit --no-fund --no-save "$INPUT_PACKAGE"
  bin="$prefix/node_modules/.bin/rerank-harness"
else
  root="${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set}"
  (cd "$root" && npm ci --no-audit --no-fund && npm run -s build)
  bin="$root/dist/src/cli.js"
fi
"$bin" --version
echo "RERANK_HARNESS_BIN=$bin" >> "${GITHUB_ENV:?GITHUB_ENV is not set}"
