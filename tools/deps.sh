#!/usr/bin/env bash
# Install what sqm needs to build and test on Debian 12: PostgreSQL 15 server and
# headers, pgTAP and pg_prove, and Chromium for the browser test of the report
# (test/report_browser.sh).  Idempotent: prints nothing when all is present.
set -euo pipefail

PACKAGES=(postgresql-15 postgresql-server-dev-15 postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl chromium)

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "sqm: missing Debian packages: ${missing[*]}" >&2
	echo "sqm: installing them needs root; run: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
	exit 1
fi

echo "sqm: installing ${missing[*]} ..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "sqm: dependencies installed" >&2
