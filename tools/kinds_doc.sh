#!/usr/bin/env bash
# make kinds-doc: write doc/kinds.md, the one place to read every kind of case,
# from the lifecycle data of a freshly installed sqm (sqm.describe_kinds()), on
# a throwaway cluster.  sql/kinds.sql fails while the committed file differs.
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/cluster.sh
export PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}

tools/deps.sh
make -s >/dev/null
work=$(mktemp -d /tmp/sqm-kinds.XXXXXX)
chmod 755 "$work"
trap 'cluster_remove "$work"' EXIT
make -s install DESTDIR="$work/ext" >/dev/null
port=$(cluster_free_port $((54330 + RANDOM % 400)))
cluster_start "$work" "$port" "$work/ext"
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE sqm_kinds"
psql -X -q -v ON_ERROR_STOP=1 -d sqm_kinds -c "CREATE EXTENSION sqm"
psql -X -q -A -t -v ON_ERROR_STOP=1 -d sqm_kinds -c "SELECT sqm.describe_kinds()" > doc/kinds.md
echo "sqm: wrote doc/kinds.md ($(wc -l < doc/kinds.md) lines)"
