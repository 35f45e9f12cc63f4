#!/usr/bin/env bash
# Writes an organisation's quality report (doc/report.md) to a file.
#
#   tools/report.sh [-o FILE] ORG PERIOD [LANGUAGE] [FORMAT]
#
#   ORG       the organisation's id, or its name as in sqm.organisation
#   PERIOD    a reporting period of it: 2025, 2024/25@9, 2025Q3, 2025-03
#   LANGUAGE  sv or en (default: an adopted report's language, else the
#             organisation's)
#   FORMAT    html (default), md or json
#   -o FILE   where to write it (default: kvalitetsberattelse-PERIOD[-LANGUAGE].FORMAT
#             in the current directory, / and @ in the period written as -)
#
# Connects as libpq does (PGHOST, PGPORT, PGUSER, PGDATABASE, or -d in
# PSQL_OPTS); the role needs read_statistics for the whole organisation.  An
# adopted report is written as it was published; a draft as the views have it
# now.  Prints the path of the file it wrote.
set -euo pipefail

usage() {
	sed -n '2,17s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

out=""
while getopts "o:h" opt; do
	case $opt in
		o) out=$OPTARG ;;
		*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 2 ] && [ $# -le 4 ] || usage
org=$1
period=$2
lang=${3:-}
format=${4:-html}

case $format in
	html) fn=sqm.report_html; ext=html ;;
	md|markdown) fn=sqm.report_markdown; ext=md ;;
	json) fn=sqm.report_json; ext=json ;;
	*) echo "tools/report.sh: unknown format \"$format\" (html, md or json)" >&2; exit 2 ;;
esac
case $lang in
	''|sv|en) ;;
	*) echo "tools/report.sh: unknown language \"$lang\" (sv or en)" >&2; exit 2 ;;
esac

if [ -z "$out" ]; then
	out="kvalitetsberattelse-$(printf '%s' "$period" | tr '/@' '--')${lang:+-$lang}.$ext"
fi

# The organisation by id or by name (what the role may see of sqm.organisation);
# the texts go as psql variables, quoted by psql, never pasted into the SQL.
# shellcheck disable=SC2086
id=$(psql -X -q -A -t -v ON_ERROR_STOP=1 ${PSQL_OPTS:-} -v org="$org" <<'SQL'
SELECT o.org_id FROM sqm.organisation o WHERE o.org_id::text = :'org' OR o.name = :'org' ORDER BY o.org_id LIMIT 1;
SQL
)
if [ -z "$id" ]; then
	echo "tools/report.sh: no organisation \"$org\" among those you may read (sqm.organisation)" >&2
	exit 1
fi

tmp=$(mktemp "${out}.XXXXXX")
trap 'rm -f "$tmp"' EXIT
# shellcheck disable=SC2086
psql -X -q -A -t -v ON_ERROR_STOP=1 ${PSQL_OPTS:-} -v id="$id" -v period="$period" -v lang="$lang" -o "$tmp" <<SQL
SELECT $fn(:id, (:'period')::sqm.period, nullif(:'lang', ''));
SQL
chmod 644 "$tmp"
mv "$tmp" "$out"
trap - EXIT
echo "$out"
