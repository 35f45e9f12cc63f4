#!/usr/bin/env bash
# sqm's run command: build, start a throwaway PostgreSQL cluster on a private
# socket, install sqm, load the demo organisation and print what sqm knows.
#   ./tools/run.sh        (re)start the demo cluster and load the demo
#   ./tools/run.sh stop   stop the demo cluster and remove it
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/cluster.sh

export PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
dir=${SQM_DEMO_DIR:-/tmp/sqm-demo}
db=sqm_demo

if [ "${1:-}" = stop ]; then
	cluster_remove "$dir"
	echo "sqm: demo cluster in $dir stopped and removed"
	exit 0
fi

tools/deps.sh
make -s >/dev/null
cluster_remove "$dir"			# a fresh demo every time
mkdir -p "$dir"; chmod 755 "$dir"
make -s install DESTDIR="$dir/ext" >/dev/null
port=$(cluster_free_port "${SQM_DEMO_PORT:-55432}")
cluster_start "$dir" "$port" "$dir/ext"

psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $db"
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "CREATE EXTENSION sqm"
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f demo/load.sql >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f demo/show.sql

# The demo's quality report for 2025 (doc/report.md): the coordinator's text,
# the committee's adoption, and the published version written to files.
echo
echo "Kvalitetsberättelse 2025, antagen (demo/report.sql, tools/report.sh):"
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f demo/report.sql
report=$(PSQL_OPTS="-d $db" tools/report.sh -o "$dir/kvalitetsberattelse-2025.html" "Socialförvaltningen, Alingsås kommun" 2025 sv html)
PSQL_OPTS="-d $db" tools/report.sh -o "$dir/kvalitetsberattelse-2025.md" "Socialförvaltningen, Alingsås kommun" 2025 sv md >/dev/null
PSQL_OPTS="-d $db" tools/report.sh -o "$dir/kvalitetsberattelse-2025.json" "Socialförvaltningen, Alingsås kommun" 2025 sv json >/dev/null

cat <<MSG

The demo organisation's quality report 2025 (HTML, open it in a browser; print it to PDF from there):
  $report
  (also as Markdown and JSON: ${report%.html}.md, ${report%.html}.json)

sqm is running in a throwaway cluster (data, socket and log in $dir).
  explore:  psql -h $dir -p $port -U postgres $db
  stop:     ./tools/run.sh stop
MSG
