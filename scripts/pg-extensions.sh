#!/usr/bin/env bash
# The PostgreSQL extensions the tests create that are packages of their own: PostGIS
# (geometry(Point,4326) columns, tests/objects/test_pg_exttypes.py and the corpus
# scenarios postgis_*). Installs the package for the local server's major version when
# the server lacks it (about 10 s on Debian bookworm); the tests that need it skip without
# it, or fail under DBPLAN_REQUIRE_DBS=1. Used by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

PSQL=(psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -Atqc)
have() {
  [ "$("${PSQL[@]}" "SELECT count(*) FROM pg_available_extensions WHERE name = '$1'" 2>/dev/null)" = 1 ]
}
apt_install() {
  apt-get install -y -q --no-install-recommends "$@" >/dev/null 2>&1 ||
    { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q --no-install-recommends "$@" >/dev/null 2>&1; }
}

major=$("${PSQL[@]}" "SHOW server_version_num" 2>/dev/null | cut -c1-2) || major=""
if [ -z "$major" ]; then
  echo "pg-extensions: PostgreSQL is not reachable on 127.0.0.1:5432" >&2
  exit 0
fi
if ! have postgis; then
  apt_install "postgresql-$major-postgis-3" || echo "pg-extensions: could not install postgresql-$major-postgis-3" >&2
fi
have postgis && echo "pg-extensions: postgis $("${PSQL[@]}" "SELECT default_version FROM pg_available_extensions WHERE name = 'postgis'")"
exit 0
