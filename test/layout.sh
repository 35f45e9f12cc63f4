#!/usr/bin/env bash
# A kind is one folder (design.md §3): for every kind in src/kinds/kinds.list,
# its folder holds what the kind needs and wires its tables with the govern
# calls — no CREATE TRIGGER in its SQL — and the core (src/core/) names
# neither the kind nor any of its tables.  Prints TAP; run by tools/test.sh
# from the top of the repository (needs no database).
set -uo pipefail
cd "$(dirname "$0")/.."
n=0
failed=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi; }

kinds=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' src/kinds/kinds.list)
[ -n "$kinds" ]
ok $? "src/kinds/kinds.list names the kinds ($(echo $kinds))"

# What core files may not say: a kind's name (also as prose, "lex Sarah"; and
# its plural) or the name of one of its tables.
core_mentions() {
	grep -rniE "$1" src/core/ --include='*.c' --include='*.h' --include='*.sql' | head -3
}

for kind in $kinds; do
	dir=src/kinds/$kind
	missing=""
	for f in kind.sql api.sql README.md; do
		[ -f "$dir/$f" ] || missing="$missing $f"
	done
	[ -z "$missing" ]
	ok $? "$dir holds kind.sql, api.sql and README.md${missing:+ (missing:$missing)}"

	found=$(grep -niE 'CREATE[[:space:]]+(CONSTRAINT[[:space:]]+)?TRIGGER' "$dir"/*.sql)
	[ -z "$found" ]
	ok $? "no CREATE TRIGGER in $dir/*.sql${found:+: $found}"

	grep -qE 'sqm\.govern\(' "$dir/kind.sql"
	ok $? "$dir/kind.sql wires its cases with sqm.govern"

	prose=$(echo "$kind" | sed 's/_/[ _]/g')
	found=$(core_mentions "(^|[^a-z0-9_])${prose}(s|_[a-z0-9_]+)?([^a-z0-9_]|$)")
	[ -z "$found" ]
	ok $? "src/core names no kind $kind${found:+: $found}"

	for table in $(grep -hoiE 'CREATE TABLE sqm\.[a-z0-9_]+' "$dir"/*.sql | sed 's/.*sqm\.//' | sort -u); do
		found=$(core_mentions "(^|[^a-z0-9_])${table}([^a-z0-9_]|$)")
		[ -z "$found" ]
		ok $? "src/core names no table of $kind: $table${found:+: $found}"
	done
done

# the other way round: every folder under src/kinds is a listed kind
for dir in src/kinds/*/; do
	kind=$(basename "$dir")
	echo "$kinds" | grep -qx "$kind"
	ok $? "src/kinds/$kind is listed in src/kinds/kinds.list"
done

echo "1..$n"
exit $failed
