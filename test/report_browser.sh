#!/usr/bin/env bash
# The report pages in a real browser (doc/report.md).  Two pages:
#
#  - a representative document — test/report_alingsas_2025.json, the
#    published Alingsås figures with every chart kind, NULLs and long Swedish
#    names, plus a section with a hostile title — which also checks that the
#    style and script ran under the page's content security policy, that a
#    script the policy does not name does not run, and that the hostile title
#    stayed text;
#  - the demo organisation's real 2025 report: demo/load.sql and
#    demo/report.sql (the coordinator's text and the committee's adoption)
#    loaded, the published version written by tools/report.sh, and its tables
#    read back out of the page as the browser has it: they must show the
#    published Alingsås figures (../shared/reference/alingsas-published-figures.md).
#
# For each page, headless Chromium loads it and the test checks what the
# page's own script measured there: every chart has a non-empty rendered box
# and as many rendered marks as it has values in the document.  Keeps the
# pages, their Markdown, the DOM after load, full-page screenshots and A4
# PDFs in a directory it prints: $SQM_ARTEFACTS, else a new
# /tmp/sqm-report.XXXXXX.
#
# Prints TAP; run by tools/test.sh against its throwaway cluster
# (PGHOST/PGPORT/PGUSER set).  Without Chromium it fails, it does not skip:
# tools/deps.sh installs Debian's chromium.
set -uo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s%N)
n=0
failed=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi; }
q() { PGOPTIONS='-c client_min_messages=warning' psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
finish() {
	q -d postgres -c "DROP DATABASE IF EXISTS sqm_report_browser" >/dev/null 2>&1
	[ -n "${profiles:-}" ] && rm -rf "$profiles"
	echo "# artefacts: $art"
	echo "# browser test took $(( ($(date +%s%N) - started) / 1000000 )) ms"
	echo "1..$n"
	exit $failed
}

art=${SQM_ARTEFACTS:-$(mktemp -d /tmp/sqm-report.XXXXXX)}
mkdir -p "$art" && chmod 755 "$art"
profiles=""

browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ]
ok $? "Chromium is installed (tools/deps.sh installs Debian's chromium)"
[ -n "$browser" ] || finish

q -d postgres -c "DROP DATABASE IF EXISTS sqm_report_browser" -c "CREATE DATABASE sqm_report_browser" >/dev/null &&
	q -d sqm_report_browser -c "CREATE EXTENSION sqm"
ok $? "a database with sqm"

# Chromium as root, on a closed network: no sandbox, no GPU, no background
# connections, a fresh profile for every start.
profiles=$(mktemp -d /tmp/sqm-chromium.XXXXXX)
chromium_run() {
	local profile
	profile=$(mktemp -d "$profiles/p.XXXXXX")
	timeout -k 5 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync --hide-scrollbars \
		--user-data-dir="$profile" --virtual-time-budget=10000 "$@" 2>>"$art/chromium.log"
}

# check_page NAME DOCUMENT: loads $art/NAME.html in the browser and checks its
# charts against DOCUMENT (a file with the report document, jsonb), keeps
# $art/NAME-dom.html, $art/NAME.png and $art/NAME.pdf.
check_page() {
	local name=$1 docfile=$2 expected_charts measured height pages i tag kind w h marks expected title values
	# what the document says the page must show: its charts, by title, with
	# the number of values each has (NULLs are no figure, so no mark)
	q -d sqm_report_browser -v doc="$(cat "$docfile")" -F $'\t' >"$art/$name-expected.tsv" <<'SQL'
SELECT c ->> 'title', (SELECT count(*) FROM jsonb_path_query(c, '$.series[*].values[*] ? (@ != null)'))
  FROM jsonb_path_query(:'doc'::jsonb, 'strict $.** ? (@.type == "chart")') AS c;
SQL
	expected_charts=$(wc -l <"$art/$name-expected.tsv")

	chromium_run --window-size=1000,1400 --dump-dom "file://$art/$name.html" >"$art/$name-dom.html"
	[ -s "$art/$name-dom.html" ]
	ok $? "$name: chromium --headless --dump-dom loads the page"

	grep -q '<html lang="[a-z]*"[^>]* data-styled="yes"' "$art/$name-dom.html"
	ok $? "$name: the page's style sheet applied under its content security policy"
	measured=$(sed -n 's/.*<html [^>]*data-charts-measured="\([0-9]*\)".*/\1/p' "$art/$name-dom.html" | head -1)
	[ "${measured:-x}" = "$expected_charts" ] && [ "$expected_charts" -gt 0 ]
	ok $? "$name: the page's script ran after load and measured ${measured:-no} of $expected_charts charts"

	grep -o '<svg class="chart"[^>]*><title>[^<]*</title>' "$art/$name-dom.html" >"$art/$name-charts.txt"
	[ "$(wc -l <"$art/$name-charts.txt")" -eq "$expected_charts" ]
	ok $? "$name: the page has the document's $expected_charts charts"
	i=0
	while IFS= read -r tag; do
		i=$((i + 1))
		kind=$(attr "$tag" data-chart-kind)
		w=$(attr "$tag" data-rendered-width)
		h=$(attr "$tag" data-rendered-height)
		marks=$(attr "$tag" data-marks)
		expected=$(attr "$tag" data-expected-marks)
		title=$(printf '%s' "$tag" | sed 's/.*<title>\(.*\)<\/title>$/\1/')
		values=$(awk -F'\t' -v t="$title" '$1 == t { print $2; exit }' "$art/$name-expected.tsv")
		awk -v w="$w" -v h="$h" 'BEGIN { exit !(w + 0 > 0 && h + 0 > 0) }'
		ok $? "$name: chart $i ($kind): rendered box ${w:-?} x ${h:-?} px"
		[ -n "$marks" ] && [ "$marks" = "$expected" ] && [ "$expected" = "$values" ]
		ok $? "$name: chart $i ($kind, \"$title\"): ${marks:-no} marks rendered, ${expected:-?} expected, ${values:-?} values in the document"
	done <"$art/$name-charts.txt"

	# the whole page as a picture, and as A4 pages
	height=$(sed -n 's/.*<html [^>]*data-page-height="\([0-9]*\)".*/\1/p' "$art/$name-dom.html" | head -1)
	height=${height:-3000}
	[ "$height" -gt 24000 ] && height=24000
	chromium_run --window-size=1000,"$height" --screenshot="$art/$name.png" "file://$art/$name.html" >/dev/null
	[ "$(head -c 8 "$art/$name.png" 2>/dev/null | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] &&
		[ "$(stat -c %s "$art/$name.png")" -gt 20000 ]
	ok $? "$name: screenshot of the whole page (1000 x $height px): $art/$name.png"

	chromium_run --no-pdf-header-footer --print-to-pdf="$art/$name.pdf" "file://$art/$name.html" >/dev/null
	pages=$(grep -ac '/Type /Page\b' "$art/$name.pdf" 2>/dev/null)
	[ "$(head -c 5 "$art/$name.pdf" 2>/dev/null)" = "%PDF-" ] && [ "${pages:-0}" -ge 3 ]
	ok $? "$name: printed to A4 PDF, ${pages:-0} pages: $art/$name.pdf"
}
attr() { printf '%s' "$1" | sed -n "s/.* $2=\"\([^\"]*\)\".*/\1/p"; }

# ------------------------------------------------------------------ the sample document
doc=$(cat test/report_alingsas_2025.json)
hostile='{"title": "<script>alert(1)</script>", "blocks": [{"type": "text", "paragraphs": ["<img src=x onerror=alert(2)> & </p>"]}]}'
render() {	# render(function, file)
	q -d sqm_report_browser -v doc="$doc" -v hostile="$hostile" -o "$2" <<SQL
SELECT sqm.$1(jsonb_insert(:'doc'::jsonb, '{sections,-1}', :'hostile'::jsonb, true));
SQL
}
render render_html "$art/report.html"
ok $? "sqm.render_html writes $art/report.html"
render render_markdown "$art/report.md"
ok $? "sqm.render_markdown writes $art/report.md"
cp test/report_alingsas_2025.json "$art/report.json"

check_page report "$art/report.json"

[ "$(grep -o '<script' "$art/report-dom.html" | wc -l)" -eq 1 ] && ! grep -q '<img' "$art/report-dom.html" &&
	grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$art/report-dom.html"
ok $? "a section titled <script>alert(1)</script> stays text: one script element, no img"

# A script the policy does not name does not run (as if escaping had failed).
sed 's|</body>|<script>document.documentElement.setAttribute("data-injected", "ran")</script></body>|' \
	"$art/report.html" >"$art/injected.html"
chromium_run --dump-dom "file://$art/injected.html" >"$art/injected-dom.html"
grep -q 'data-charts-measured=' "$art/injected-dom.html" && ! grep -q 'data-injected="ran"' "$art/injected-dom.html"
ok $? "the content security policy blocks a script it does not name (the page's own still runs)"

# ------------------------------------------------------------------ the demo organisation's 2025 report
q -d sqm_report_browser -f demo/load.sql >/dev/null && q -d sqm_report_browser -f demo/report.sql >/dev/null
ok $? "the demo organisation loaded, its 2025 report written and adopted (demo/load.sql, demo/report.sql)"
org="Socialförvaltningen, Alingsås kommun"
for f in html md json; do
	PSQL_OPTS="-d sqm_report_browser" tools/report.sh -o "$art/demo-2025.$f" "$org" 2025 sv "$f" >/dev/null || break
done
[ -s "$art/demo-2025.html" ] && [ -s "$art/demo-2025.md" ] && [ -s "$art/demo-2025.json" ]
ok $? "tools/report.sh writes the published report as HTML, Markdown and JSON: $art/demo-2025.html"

check_page demo-2025 "$art/demo-2025.json"

grep -q '<td>Antagen 2026-02-24</td>' "$art/demo-2025-dom.html"
ok $? "demo-2025: the page is the adopted report (status Antagen 2026-02-24)"

# The tables as the browser has them (caption, then the row's cells), read
# back out of the DOM, against the published figures.  "*": a figure the
# published report does not give.  Vuxenstöd's 2024 lex Sarah figure is 0
# where the published table printed "–": the unit existed in 2024 with none
# (doc/statistics.md, "Where the published tables differ").
# The page is read by psql itself (\set with a backquoted cat): as a command
# line argument it would exceed the system's limit on argument length.
DOMFILE="$art/demo-2025-dom.html" q -d sqm_report_browser -F $'\t' >"$art/demo-2025-tables.tsv" <<'SQL'
\set dom `cat "$DOMFILE"`
SELECT regexp_replace(c[1], '^<span class="label">[^<]*</span> ', ''),
       (SELECT string_agg(regexp_replace(replace(x[1], '&amp;', '&'), ' \(\d{4}–\d{0,4}\)$', ''), '|' ORDER BY i)
          FROM regexp_matches(r[1], '<t[hd][^>]*>([^<]*)</t[hd]>', 'g') WITH ORDINALITY AS y(x, i))
  FROM regexp_matches(:'dom', '<caption>(.*?)</caption>(.*?)</table>', 'g') AS c
 CROSS JOIN LATERAL regexp_matches(c[2], '<tr>(.*?)</tr>', 'g') AS r;
SQL
published() {	# published CAPTION CELLS DESCRIPTION: a row (cells as a regular expression) of the table with that caption
	C=$1 R="^($2)\$" awk -F'\t' '$1 == ENVIRON["C"] && $2 ~ ENVIRON["R"] { found = 1 } END { exit !found }' "$art/demo-2025-tables.tsv"
	ok $? "demo-2025, \"$1\": $3"
}
t='Avvikelser per år'
published "$t" '2022\|37\|[0-9]+' "37 deviations 2022"
published "$t" '2023\|40\|[0-9]+' "40 deviations 2023"
published "$t" '2024\|93\|20' "93 deviations 2024, 20 of them investigated under lex Sarah"
published "$t" '2025\|121\|33' "121 deviations 2025, 33 of them investigated under lex Sarah"
t='Avvikelser per enhet 2025 och 2024'
while IFS='|' read -r unit cur prev; do
	published "$t" "$unit\\|$cur\\|$prev" "$unit $cur ($prev)"
done <<'ROWS'
Avdelning Administration|5|4
Avdelning Vuxna|1|0
Avdelning Stöd och arbete|2|–
Arbetsmarknad|3|1
Barn och unga 1|9|18
Barn och unga 2|13|35
Beroendestöd|3|2
Boendestöd|1|2
Boende|31|7
Familjehem|3|5
Familjestöd|–|1
Stöd och försörjning|12|8
Vuxna|14|9
Vuxenstöd|8|1
Vägledning och integration|16|–
Totalt|121|93
ROWS
[ "$(C=$t awk -F'\t' '$1 == ENVIRON["C"]' "$art/demo-2025-tables.tsv" | wc -l)" -eq 17 ]
ok $? "demo-2025, \"$t\": those 15 units, the total and the heading, nothing else"
t='Avvikelser per typ 2025 och 2024'
while IFS='|' read -r typ cur prev; do
	published "$t" "$typ\\|$cur\\|$prev" "$typ $cur ($prev)"
done <<'ROWS'
Brister i informationsöverföring|40|33
Brister i rättssäkerhet|38|31
Dokumentationsbrister|30|24
Brister i fysisk miljö/teknik|12|2
Insats ej utförd/fel utförd|8|–
Omvårdnadshändelse|7|1
Bemötande|5|–
Annat|–|19
ROWS
t='Status vid uppföljningen för avvikelser rapporterade 2025 och 2024'
published "$t" 'Avslutade\|[0-9]+\|78' "2024: 78 closed at the follow-up"
published "$t" 'Utredning pågår\|[0-9]+\|6' "2024: 6 under investigation"
published "$t" 'Utredda, åtgärder ej genomförda och uppföljda\|[0-9]+\|9' "2024: 9 investigated, measures not carried out and followed up"
t='Avvikelser inom hälso- och sjukvården (HSL) per typ 2025 och 2024'
published "$t" 'Läkemedel \(missad, sen, saknad\)\|[0-9]+\|1' "HSL 2024: 1 medication"
published "$t" 'Fall utan skada\|[0-9]+\|6' "HSL 2024: 6 falls without injury"
published "$t" 'Fall med skada\|[0-9]+\|2' "HSL 2024: 2 falls with injury"
published "$t" 'Totalt\|18\|9' "HSL: 18 in 2025, 9 in 2024"
t='Avvikelser i samverkan med andra huvudmän 2025 och 2024'
published "$t" 'Mottagna\|0\|2' "collaboration: 2 received 2024, none 2025"
published "$t" 'Skickade\|0\|3' "collaboration: 3 sent 2024, none 2025"
t='Lex Sarah per år'
published "$t" '2023\|6\|1\|[0-9]+' "6 investigations 2023, 1 notified to IVO"
published "$t" '2024\|20\|10\|[0-9]+' "20 investigations 2024, 10 notified to IVO"
published "$t" '2025\|33\|9\|[0-9]+' "33 investigations 2025, 9 notified to IVO"
t='Lex Sarah-utredningar per enhet 2025 och 2024'
while IFS='|' read -r unit cur prev; do
	published "$t" "$unit\\|$cur\\|$prev" "$unit $cur ($prev)"
done <<'ROWS'
Avdelning Administration|1|0
Barn och unga 1|4|7
Barn och unga 2|2|7
Boende|5|3
Stöd och försörjning|5|1
Vuxenstöd|1|0
Vuxna|6|2
Vägledning och integration|9|–
Beroendestöd|0|1
Totalt|33|20
ROWS
grep -q 'kolumnen 2024 summerar till 21, medan 20 utredningar avslutades' "$art/demo-2025-dom.html"
ok $? "demo-2025: the note says why the 2024 column sums to 21 against a total of 20"

finish
