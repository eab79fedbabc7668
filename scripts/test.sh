#!/usr/bin/env bash
# Install everything the tests need (idempotent) and run ruff, mypy and the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
# Debian packages the tests need. None yet: the studio issues add chromium and postgresql
# here, installed with apt-get only when missing.
DEBIAN_PACKAGES=()
missing=()
for pkg in "${DEBIAN_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test]"
.venv/bin/ruff check src tests bench docs scripts
.venv/bin/ruff format --check src tests bench docs scripts
.venv/bin/mypy
status=0
.venv/bin/python -m pytest src tests || status=$?
# pytest's 5 means "no tests collected": that is a failure here, never a pass
exit "$status"
