#!/usr/bin/env bash
# Install SMP Studio into ./.venv and run the whole pipeline on the bundled example.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .
.venv/bin/smp plan examples/d000616 --out out/d000616 --seed 1
echo "outputs are in $(pwd)/out/d000616 (plan.json, analysis/, head/, design/, pattern/, sessions/, preview/, programs/)"
