#!/usr/bin/env bash
# Sets everything up (with the test tools) and runs the whole test suite.
# Usage: scripts/test.sh [pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --dev
# The HTML report is checked in a real headless Chromium (Debian's packages).
# Installed once, when we may; without it those tests are skipped.
if [[ ! -x /usr/bin/chromium || ! -x /usr/bin/chromedriver ]]; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing chromium and chromium-driver for the HTML report test" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  else
    echo "note: /usr/bin/chromium missing and not root: the HTML report browser test will be skipped" >&2
  fi
fi
# The question store's tests also run on a real PostgreSQL server that the tests
# start themselves (initdb in a temporary folder): Debian's postgresql package.
if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null && ! command -v initdb >/dev/null 2>&1; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing postgresql for the question store tests" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    echo "note: PostgreSQL missing and not root: the PostgreSQL store tests will be skipped" >&2
  fi
fi
export HF_HUB_OFFLINE=1
exec .venv/bin/python -m pytest "$@"
