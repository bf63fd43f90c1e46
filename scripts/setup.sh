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

# General language resources, Debian packages read by `smcbot index build` and by
# questions to bridge English to the French archive (see README, "How well it answers"):
# FreeDict's English-French and French-English dictionaries (GPL), and Apertium's
# English-Spanish and French-Spanish translation pairs (GPL, run as programs). Without
# them (not root, no apt) answers still work, with fewer English questions bridged.
language_packages=()
[[ -f /usr/share/dictd/freedict-eng-fra.index ]] || language_packages+=(dict-freedict-eng-fra)
[[ -f /usr/share/dictd/freedict-fra-eng.index ]] || language_packages+=(dict-freedict-fra-eng)
command -v lt-proc >/dev/null 2>&1 || language_packages+=(apertium)
[[ -f /usr/share/apertium/modes/eng-spa.mode ]] || language_packages+=(apertium-eng-spa)
[[ -f /usr/share/apertium/modes/es-fr.mode ]] || language_packages+=(apertium-fr-es)
if (( ${#language_packages[@]} )); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing language resources: ${language_packages[*]}" >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        "${language_packages[@]}" >/dev/null; } ||
      echo "note: could not install ${language_packages[*]}; English questions will be bridged less" >&2
  else
    echo "note: not root: run 'sudo apt-get install ${language_packages[*]}' for better English answers" >&2
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
