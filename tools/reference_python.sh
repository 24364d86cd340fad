#!/usr/bin/env bash
# Runs the reference venv's python (creating the venv first if needed, tools/setup_reference.sh)
# with the given arguments. For ctest's `model` checks: exit 77 (skipped) when the venv cannot
# be created outside CI (PyPI unreachable); in CI (CI=true) that is a failure.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if ! venv=$("$root/tools/setup_reference.sh" | tail -n 1); then
  if [ "${CI:-}" = "true" ]; then echo "reference_python: the reference venv could not be created" >&2; exit 1; fi
  echo "reference_python: SKIP - the reference venv could not be created (PyPI unreachable?)" >&2
  exit 77
fi
exec "$venv/bin/python" "$@"
