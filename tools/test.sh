#!/usr/bin/env bash
# sqm's test command: build, then run every pg_regress, isolation and pgTAP test
# against a throwaway cluster, remove the cluster and print one closing line
# "N passed, N failed".  Exits non-zero if anything failed or could not run.
set -uo pipefail
cd "$(dirname "$0")/.."
top=$PWD
. tools/cluster.sh

export PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
passed=0
failed=0
pass() { passed=$((passed + $1)); }
fail() { failed=$((failed + $1)); }
finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
	exit $?
}

if ! tools/deps.sh; then
	echo "sqm: dependencies missing, nothing could run" >&2
	fail 1; finish
fi

echo "== build"
if ! make -s >/tmp/sqm-build.$$ 2>&1; then
	cat /tmp/sqm-build.$$; rm -f /tmp/sqm-build.$$
	echo "sqm: build failed" >&2
	fail 1; finish
fi
grep -E 'warning|error' /tmp/sqm-build.$$ || true
rm -f /tmp/sqm-build.$$

if make -s version-check; then pass 1; else fail 1; fi

work=$(mktemp -d /tmp/sqm-test.XXXXXX)
chmod 755 "$work"
trap 'cluster_remove "$work"' EXIT
if ! make -s install DESTDIR="$work/ext" >/dev/null; then
	echo "sqm: install into $work/ext failed" >&2
	fail 1; finish
fi
port=$(cluster_free_port $((54330 + RANDOM % 400))) && cluster_start "$work" "$port" "$work/ext" || {
	echo "sqm: could not start a throwaway cluster" >&2
	fail 1; finish
}

# pg_regress and isolation output lines end "... ok" or "... FAILED".
count_regress() {
	local log=$1 ok bad
	ok=$(grep -cE '\.\.\. ok|^ok [0-9]+' "$log")
	bad=$(grep -cE '\.\.\. FAILED|\.\.\. failed|^not ok [0-9]+' "$log")
	pass "$ok"; fail "$bad"
	[ "$ok" -gt 0 ] || [ "$bad" -gt 0 ] || fail 1	# nothing ran at all
}

# A test without its expected output cannot pass.
for t in sql/*.sql specs/*.spec; do
	[ -e "$t" ] || continue
	n=$(basename "${t%.*}")
	[ -f "expected/$n.out" ] || { echo "sqm: $t has no expected/$n.out" >&2; fail 1; }
done

echo "== pg_regress"
make -s installcheck ISOLATION= 2>&1 | tee "$work/regress.log"
count_regress "$work/regress.log"
[ -f regression.diffs ] && { echo "== regression.diffs"; cat regression.diffs; }

if ls specs/*.spec >/dev/null 2>&1; then
	echo "== isolation"
	make -s installcheck REGRESS= 2>&1 | tee "$work/isolation.log"
	count_regress "$work/isolation.log"
	[ -f output_iso/regression.diffs ] && { echo "== output_iso/regression.diffs"; cat output_iso/regression.diffs; }
fi

echo "== pgTAP"
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE sqm_tap" &&
	psql -X -q -v ON_ERROR_STOP=1 -d sqm_tap -c "CREATE EXTENSION pgtap; CREATE EXTENSION sqm;" || fail 1
for t in test/*.sql; do
	[ -e "$t" ] || continue
	out=$(pg_prove --verbose --nocolor -d sqm_tap "$t" 2>&1); rc=$?
	echo "$out" | grep -vE '^ok [0-9]+' 
	ok=$(echo "$out" | grep -cE '^ok [0-9]+')
	bad=$(echo "$out" | grep -cE '^not ok [0-9]+')
	pass "$ok"; fail "$bad"
	[ "$rc" -ne 0 ] && [ "$bad" -eq 0 ] && { echo "sqm: $t did not run to its plan" >&2; fail 1; }
done

# Tests that need more than one database or session print TAP themselves.
for t in test/*.sh; do
	[ -e "$t" ] || continue
	echo "== $t"
	out=$(bash "$t" 2>&1); rc=$?
	echo "$out"
	ok=$(echo "$out" | grep -cE '^ok [0-9]+')
	bad=$(echo "$out" | grep -cE '^not ok [0-9]+')
	pass "$ok"; fail "$bad"
	[ "$rc" -ne 0 ] && [ "$bad" -eq 0 ] && { echo "sqm: $t failed" >&2; fail 1; }
done

finish
