#!/usr/bin/env bash
# Re-resolve every dependency to the newest version pyproject.toml allows, in a fresh virtual
# environment, run the tests there, and only then rewrite constraints.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=$(mktemp -d)/venv
python3 -m venv "$venv"
"$venv/bin/pip" install -q -U pip
"$venv/bin/pip" install -q -e ".[test]"
bash scripts/setup-test-tools.sh
"$venv/bin/python" -m pytest -q
{
  sed -n '/^#/p' constraints.txt
  "$venv/bin/pip" freeze --exclude-editable | grep -v '^dangjian'
} > constraints.txt.new
mv constraints.txt.new constraints.txt
git --no-pager diff --stat constraints.txt || true
