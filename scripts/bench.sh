#!/usr/bin/env bash
# Run every benchmark under bench/ and print one table; extra arguments go to bench.run
# (e.g. --json results.json). Installs the benchmark extras (the baselines) first.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[bench]"
.venv/bin/python -m bench.run "$@"
