#!/usr/bin/env bash
# The dbplan demo (`make demo`): the release workflow on the reference project.
#
#   1. list the releases declared in schema_state/
#   2. dbplan check                      snapshots valid, revisions in sync
#   3. dbplan plan                       the reviewable plan of the newest two releases
#   4. dbplan generate (in a temp copy)  the whole revision chain, empty -> newest
#   5. dbplan upgrade  (temp SQLite)     apply the chain with Alembic
#   6. dbplan current                    the database's revision and release
#   7. dbplan verify                     the chain reproduces every snapshot, up and down
#
# The repository itself is never modified: generation and the database live in a
# temporary copy of schema_state/, migrations/ and pyproject.toml, removed at exit.
# A command that this checkout does not have yet is skipped with a line saying so.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
DBPLAN="${DBPLAN:-.venv/bin/dbplan}"

if [[ ! -x "$DBPLAN" ]]; then
    echo "demo: $DBPLAN not found; run 'make demo' (it creates .venv) or set DBPLAN=" >&2
    exit 1
fi

HELP="$("$DBPLAN" --help)"

has_command() {
    # a command is present when `dbplan --help` lists it under Commands
    grep -Eq "^  $1( |$)" <<<"$HELP"
}

step() {
    printf '\n==> %s\n' "$*"
}

skip() {
    printf '(skipped: this checkout has no `dbplan %s` yet)\n' "$1"
}

run() {
    printf '$'
    printf ' %q' "$@"
    printf '\n'
    "$@"
}

TMP="$(mktemp -d "${TMPDIR:-/tmp}/dbplan-demo.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

# -- 1. releases ---------------------------------------------------------------------
step "Releases declared in schema_state/ (one snapshot per release)"
PYTHON="${PYTHON:-$(dirname "$DBPLAN")/python}"
mapfile -t RELEASES < <("$PYTHON" -c \
    'from planner.project import load_project; print("\n".join(load_project(".").releases()))')
for r in "${RELEASES[@]}"; do
    tables=$(grep -c '^    columns:$' "schema_state/$r.yaml" || true)
    printf '  %-8s %3s tables   schema_state/%s.yaml\n' "$r" "$tables" "$r"
done
if (( ${#RELEASES[@]} < 2 )); then
    echo "demo: need at least two releases in schema_state/" >&2
    exit 1
fi
NEWEST="${RELEASES[-1]}"
PREVIOUS="${RELEASES[-2]}"

# -- 2. check ------------------------------------------------------------------------
step "Check: every snapshot valid, revisions in sync with snapshots"
if has_command check; then
    # exit 3 = findings (e.g. a release without its revision yet): shown, not fatal here;
    # the check of the generated copy below must pass
    rc=0
    run "$DBPLAN" check || rc=$?
    if (( rc == 3 )); then
        echo "(dbplan check exit 3: the findings above; the copy below gets every revision)"
    elif (( rc != 0 )); then
        exit "$rc"
    fi
else
    skip check
fi

# -- 3. plan -------------------------------------------------------------------------
step "Plan: what changes from $PREVIOUS to $NEWEST, in dependency order"
if has_command plan; then
    run "$DBPLAN" plan "$PREVIOUS" "$NEWEST"
else
    skip plan
fi

# -- 4. generate ---------------------------------------------------------------------
step "Generate the revision chain empty -> $NEWEST into a temporary copy ($TMP)"
cp -r schema_state migrations pyproject.toml "$TMP"/
rm -f "$TMP"/migrations/versions/*.py
GENERATED=0
if has_command generate; then
    from="empty"
    for r in "${RELEASES[@]}"; do
        run "$DBPLAN" -C "$TMP" generate "$from" "$r" --allow-destructive
        from="$r"
    done
    GENERATED=1
    ls -1 "$TMP"/migrations/versions/
    if compgen -G "migrations/versions/*.py" >/dev/null; then
        if diff -r -q -x '__pycache__' migrations/versions "$TMP"/migrations/versions >/dev/null; then
            echo "(byte for byte the revisions committed in migrations/versions/)"
        else
            echo "(these differ from the revisions committed in migrations/versions/:"
            echo " regenerate them with dbplan generate; dbplan check above tells which)"
        fi
    fi
    if has_command check; then
        run "$DBPLAN" -C "$TMP" check
    fi
else
    skip generate
fi

# -- 5. upgrade ----------------------------------------------------------------------
URL="sqlite:///$TMP/demo.sqlite"
step "Upgrade a fresh SQLite database with Alembic ($URL)"
if [[ $GENERATED == 0 ]]; then
    echo "(skipped: no revisions were generated)"
elif has_command upgrade; then
    run "$DBPLAN" -C "$TMP" upgrade --url "$URL"
else
    skip upgrade
fi

# -- 6. current ----------------------------------------------------------------------
step "Current: the database's revision and release"
if [[ $GENERATED == 0 ]]; then
    echo "(skipped: no database was upgraded)"
elif has_command current; then
    run "$DBPLAN" -C "$TMP" current --url "$URL"
else
    skip current
fi

# -- 7. verify -----------------------------------------------------------------------
step "Verify: the chain reproduces every snapshot, up and down (scratch SQLite database)"
if [[ $GENERATED == 0 ]]; then
    echo "(skipped: no revisions were generated)"
elif has_command verify; then
    run "$DBPLAN" -C "$TMP" verify
else
    skip verify
fi

printf '\nDemo finished.\n'
