#!/usr/bin/env bash
# Sets up .venv with everything smcbot needs (idempotent: a re-run with the same
# pyproject.toml installs nothing). Usage: scripts/setup.sh [--dev]
set -euo pipefail
cd "$(dirname "$0")/.."

python=""
for candidate in python3.11 python3.12 python3.13 python3; do
  if command -v "$candidate" >/dev/null 2>&1 &&
     "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    python=$candidate; break
  fi
done
[[ -n $python ]] || { echo "error: smcbot needs Python 3.11 or newer; install it and run this again" >&2; exit 1; }

extras=""
[[ ${1:-} == "--dev" ]] && extras="[dev]"
stamp=".venv/.smcbot-installed"
want="$(sha256sum pyproject.toml | cut -d' ' -f1)$extras"

if [[ ! -x .venv/bin/python ]]; then
  echo "Creating .venv with $python" >&2
  "$python" -m venv .venv
fi
if [[ -f $stamp && $(cat "$stamp") == "$want"* ]]; then
  exit 0
fi
echo "Installing smcbot and its dependencies into .venv (a few minutes the first time)" >&2
.venv/bin/python -m pip install -qq --upgrade pip
# The CPU build of torch first: a bare install of sentence-transformers would pull
# a multi-GB CUDA build. On these machines this wheel lies on disk; elsewhere the
# PyTorch CPU index serves it.
if ! .venv/bin/python -c 'import torch' 2>/dev/null; then
  .venv/bin/python -m pip install -qq "torch==2.13.0" ||
    .venv/bin/python -m pip install -qq "torch==2.13.0" --index-url https://download.pytorch.org/whl/cpu
fi
.venv/bin/python -m pip install -qq -e ".$extras"
echo "$want" > "$stamp"
