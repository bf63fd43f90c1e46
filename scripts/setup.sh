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

# FreeDict's English-French and French-English dictionaries (GPL, Debian packages): read
# by `smcbot index build` to bridge English questions to the French archive. Without
# them (not root, no apt) answers still work, with fewer English words bridged.
if [[ ! -f /usr/share/dictd/freedict-eng-fra.index || ! -f /usr/share/dictd/freedict-fra-eng.index ]]; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing the FreeDict English-French dictionaries (dict-freedict-eng-fra, dict-freedict-fra-eng)" >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        dict-freedict-eng-fra dict-freedict-fra-eng >/dev/null; } ||
      echo "note: could not install the FreeDict dictionaries; English questions will be bridged less" >&2
  else
    echo "note: FreeDict dictionaries missing and not root: run 'sudo apt-get install dict-freedict-eng-fra dict-freedict-fra-eng' for better English answers" >&2
  fi
fi

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
