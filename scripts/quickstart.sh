#!/usr/bin/env bash
# Sets everything up, builds the index from the bundled archive, and asks a question.
# Usage: scripts/quickstart.sh ["Your question"]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export HF_HUB_OFFLINE=1
.venv/bin/smcbot index build
.venv/bin/smcbot ask "${1:-What was said about brand safety?}"
