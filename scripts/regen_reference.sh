#!/usr/bin/env bash
# Regenerate the reference project's committed revisions (migrations/versions/) with the
# current dbplan: the chain empty -> newest is generated into a temporary copy, then copied
# back. Needed after a change to how revisions are rendered; tests/test_reference_project.py
# checks the committed files equal a fresh generation byte for byte.
set -euo pipefail
cd "$(dirname "$0")/.."
DBPLAN="${DBPLAN:-.venv/bin/dbplan}"
PYTHON="${PYTHON:-.venv/bin/python}"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/dbplan-regen.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
cp -r schema_state migrations pyproject.toml "$TMP/"
rm -f "$TMP"/migrations/versions/*.py
mapfile -t RELEASES < <("$PYTHON" -c \
    'from planner.project import load_project; print("\n".join(load_project(".").releases()))')
prev=empty
for r in "${RELEASES[@]}"; do
    "$DBPLAN" -C "$TMP" generate "$prev" "$r" --allow-destructive >/dev/null
    prev="$r"
done
rm -f migrations/versions/*.py
cp "$TMP"/migrations/versions/*.py migrations/versions/
git status --short migrations/versions
