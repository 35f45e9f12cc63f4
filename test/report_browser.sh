#!/usr/bin/env bash
# The report page in a real browser (doc/report.md).  Renders a representative
# document — test/report_alingsas_2025.json, the published Alingsås figures
# with every chart kind, NULLs and long Swedish names, plus a section with a
# hostile title — loads the HTML in headless Chromium and checks what the
# page's own script measured there: every chart has a non-empty rendered box
# and as many rendered marks as it has values.  Also: the style and script ran
# under the page's content security policy, a script the policy does not name
# does not run, the hostile title stayed text.  Keeps the page, the Markdown,
# the DOM after load, a full-page screenshot and an A4 PDF in a directory it
# prints: $SQM_ARTEFACTS, else a new /tmp/sqm-report.XXXXXX.
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

# what the document says the page must show: its charts, by title, with the
# number of values each has (NULLs are no figure, so no mark)
q -d sqm_report_browser -v doc="$doc" -F $'\t' >"$art/expected.tsv" <<'SQL'
SELECT c ->> 'title', (SELECT count(*) FROM jsonb_path_query(c, '$.series[*].values[*] ? (@ != null)'))
  FROM jsonb_path_query(:'doc'::jsonb, 'strict $.** ? (@.type == "chart")') AS c;
SQL
expected_charts=$(wc -l <"$art/expected.tsv")

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

chromium_run --window-size=1000,1400 --dump-dom "file://$art/report.html" >"$art/dom.html"
[ -s "$art/dom.html" ]
ok $? "chromium --headless --dump-dom loads the page"

grep -q '<html lang="sv"[^>]* data-styled="yes"' "$art/dom.html"
ok $? "the page's style sheet applied under its content security policy"
measured=$(sed -n 's/.*<html [^>]*data-charts-measured="\([0-9]*\)".*/\1/p' "$art/dom.html" | head -1)
[ "${measured:-x}" = "$expected_charts" ]
ok $? "the page's script ran after load and measured ${measured:-no} of $expected_charts charts"

grep -o '<svg class="chart"[^>]*><title>[^<]*</title>' "$art/dom.html" >"$art/charts.txt"
[ "$(wc -l <"$art/charts.txt")" -eq "$expected_charts" ]
ok $? "the page has the document's $expected_charts charts"
attr() { printf '%s' "$1" | sed -n "s/.* $2=\"\([^\"]*\)\".*/\1/p"; }
i=0
while IFS= read -r tag; do
	i=$((i + 1))
	kind=$(attr "$tag" data-chart-kind)
	w=$(attr "$tag" data-rendered-width)
	h=$(attr "$tag" data-rendered-height)
	marks=$(attr "$tag" data-marks)
	expected=$(attr "$tag" data-expected-marks)
	title=$(printf '%s' "$tag" | sed 's/.*<title>\(.*\)<\/title>$/\1/')
	values=$(awk -F'\t' -v t="$title" '$1 == t { print $2 }' "$art/expected.tsv")
	awk -v w="$w" -v h="$h" 'BEGIN { exit !(w + 0 > 0 && h + 0 > 0) }'
	ok $? "chart $i ($kind): rendered box ${w:-?} x ${h:-?} px"
	[ -n "$marks" ] && [ "$marks" = "$expected" ] && [ "$expected" = "$values" ]
	ok $? "chart $i ($kind, \"$title\"): ${marks:-no} marks rendered, ${expected:-?} expected, ${values:-?} values in the document"
done <"$art/charts.txt"

[ "$(grep -o '<script' "$art/dom.html" | wc -l)" -eq 1 ] && ! grep -q '<img' "$art/dom.html" &&
	grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$art/dom.html"
ok $? "a section titled <script>alert(1)</script> stays text: one script element, no img"

# A script the policy does not name does not run (as if escaping had failed).
sed 's|</body>|<script>document.documentElement.setAttribute("data-injected", "ran")</script></body>|' \
	"$art/report.html" >"$art/injected.html"
chromium_run --dump-dom "file://$art/injected.html" >"$art/injected-dom.html"
grep -q 'data-charts-measured=' "$art/injected-dom.html" && ! grep -q 'data-injected="ran"' "$art/injected-dom.html"
ok $? "the content security policy blocks a script it does not name (the page's own still runs)"

# The whole page as a picture, and as A4 pages.
height=$(sed -n 's/.*<html [^>]*data-page-height="\([0-9]*\)".*/\1/p' "$art/dom.html" | head -1)
height=${height:-3000}
[ "$height" -gt 16000 ] && height=16000
chromium_run --window-size=1000,"$height" --screenshot="$art/report.png" "file://$art/report.html" >/dev/null
[ "$(head -c 8 "$art/report.png" 2>/dev/null | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] &&
	[ "$(stat -c %s "$art/report.png")" -gt 20000 ]
ok $? "screenshot of the whole page (1000 x $height px): $art/report.png"

chromium_run --no-pdf-header-footer --print-to-pdf="$art/report.pdf" "file://$art/report.html" >/dev/null
pages=$(grep -ac '/Type /Page\b' "$art/report.pdf" 2>/dev/null)
[ "$(head -c 5 "$art/report.pdf" 2>/dev/null)" = "%PDF-" ] && [ "${pages:-0}" -ge 3 ]
ok $? "printed to A4 PDF, ${pages:-0} pages: $art/report.pdf"

finish
