#!/usr/bin/env bash
# Creates the project's Python virtual environments from their pinned requirements files:
#   .venv-pipecat  ← tests/e2e/pipecat/requirements.txt   (the Pipecat phone bot of the e2e tests)
#   .venv-example  ← examples/python-agent/requirements.txt (the example agent in Python)
# Every transitive package is pinned with ==, and installed with --no-deps, so a fresh machine gets
# exactly the frozen set (pip check then proves it is complete and consistent).
# Idempotent: a venv is rebuilt only when its requirements file (or the interpreter) changed — the
# sha256 of both is stamped inside the venv.
# PYTHON=/path/to/python3.11 picks the interpreter (default: python3.11, else python3; ≥ 3.11).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-}"
if [ -z "$PYTHON" ]; then
  if command -v python3.11 >/dev/null 2>&1; then PYTHON=python3.11; else PYTHON=python3; fi
fi
if ! command -v "$PYTHON" >/dev/null 2>&1; then
  echo "setup-python: no Python interpreter ($PYTHON) on PATH; install Python 3.11+ or set PYTHON=" >&2
  exit 1
fi
if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
  echo "setup-python: $PYTHON is $("$PYTHON" --version 2>&1); the venvs need Python 3.11+ (set PYTHON=)" >&2
  exit 1
fi

export PIP_DISABLE_PIP_VERSION_CHECK=1
# onnxruntime (Silero VAD, Smart Turn) otherwise reaches for the network at import time.
export ORT_DISABLE_TELEMETRY=1

# make_venv DIR REQUIREMENTS
make_venv() {
  local dir="$1" requirements="$2"
  local stamp="$dir/.callstorm-requirements.sha256"
  local want
  want="$( { sha256sum "$requirements" | cut -d' ' -f1; "$PYTHON" --version 2>&1; } | sha256sum | cut -d' ' -f1)"
  if [ -x "$dir/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    echo "$dir up to date ($requirements, $(du -sh "$dir" | cut -f1))"
    return 0
  fi
  local started=$SECONDS
  rm -rf "$dir"
  "$PYTHON" -m venv "$dir"
  "$dir/bin/python" -m pip install --quiet --no-deps -r "$requirements"
  "$dir/bin/python" -m pip check
  echo "$want" >"$stamp"
  echo "$dir installed from $requirements in $((SECONDS - started)) s ($(du -sh "$dir" | cut -f1))"
}

make_venv .venv-pipecat tests/e2e/pipecat/requirements.txt
make_venv .venv-example examples/python-agent/requirements.txt
