# bench/lib/ab.sh -- interleaved A/B measurement with medians and spreads of
# ratios (design.md §3b: benchmarks here are noisy; interleave baseline and
# candidate, at least 9 rounds, report the median and the spread of the
# ratios).  Sourced by bench/run.sh and meant for any later benchmark.
#
#   ab_compare TITLE ROUNDS BASE_NAME BASE_CMD [NAME CMD]...
#
# Every CMD is a shell command that prints one number: the cost of one call
# in any unit, lower is better (µs per report, µs per transaction = 1e6 /
# TPS of one client ...).  Round r runs the baseline and every candidate
# once each, the order reversed every other round (A B C, C B A, A B C ...),
# so that a machine getting busier or quieter weighs on all alike; each
# candidate's value is divided by the baseline's of the same round.  Prints
# one line per measurement: the median value, and for candidates the median
# ratio to the baseline with the spread of the ratios (min–max, and the
# interquartile range).  ROUNDS below 9 is raised to 9.  The raw values are
# appended to $AB_RAW if set (title, name, round, value; tab-separated), and
# the medians are left in the associative array AB_MEDIAN[name] and the
# median ratios in AB_RATIO[name] for the caller's own arithmetic.
#
#   ab_stats                 reads numbers on stdin, prints "median min q1 q3 max"
#
# Example:
#   . bench/lib/ab.sh
#   ab_compare "report, batch (µs/report)" 9 bare "psql -Atc 'SELECT bare(1000)'" api "psql -Atc 'SELECT api(1000)'"

declare -gA AB_MEDIAN AB_RATIO

ab_stats() {
	sort -g | awk '{ v[NR] = $1 }
		function q(p,   i, f) { i = 1 + (NR - 1) * p; f = int(i); return (f >= NR) ? v[NR] : v[f] + (i - f) * (v[f + 1] - v[f]) }
		END { if (NR == 0) { print "nan nan nan nan nan"; exit } printf "%.6g %.6g %.6g %.6g %.6g\n", q(0.5), v[1], q(0.25), q(0.75), v[NR] }'
}

ab_compare() {
	local title=$1 rounds=$2
	shift 2
	[ "$rounds" -ge 9 ] 2>/dev/null || rounds=9
	local -a names=() cmds=()
	while [ $# -ge 2 ]; do names+=("$1"); cmds+=("$2"); shift 2; done
	local n=${#names[@]} r i k value tmp
	tmp=$(mktemp -d)
	for ((r = 1; r <= rounds; r++)); do
		for ((k = 0; k < n; k++)); do
			if ((r % 2)); then i=$k; else i=$((n - 1 - k)); fi
			value=$(eval "${cmds[$i]}" 2>>"$tmp/err" | tail -n 1 | tr -d ' ') || true
			if ! [[ $value =~ ^[0-9.eE+-]+$ ]]; then
				echo "ab_compare: \"${names[$i]}\" printed no number (round $r): $(tail -n 3 "$tmp/err")" >&2
				value=nan
			fi
			echo "$value" >>"$tmp/$i"
			[ -n "${AB_RAW:-}" ] && printf '%s\t%s\t%s\t%s\n' "$title" "${names[$i]}" "$r" "$value" >>"$AB_RAW"
		done
	done
	echo "-- $title: $rounds rounds, interleaved; median, and ratio to ${names[0]} (median [min–max, IQR])"
	for ((i = 0; i < n; i++)); do
		read -r med _ <<<"$(grep -v nan "$tmp/$i" | ab_stats)"
		AB_MEDIAN[${names[$i]}]=$med
		if ((i == 0)); then
			printf '   %-44s %10s\n' "${names[$i]}" "$med"
		else
			paste "$tmp/$i" "$tmp/0" | awk '$1 != "nan" && $2 != "nan" && $2 > 0 { print $1 / $2 }' >"$tmp/ratio"
			read -r rmed rmin rq1 rq3 rmax <<<"$(ab_stats <"$tmp/ratio")"
			AB_RATIO[${names[$i]}]=$rmed
			printf '   %-44s %10s   %6.2f× [%.2f–%.2f, IQR %.2f–%.2f]\n' "${names[$i]}" "$med" "$rmed" "$rmin" "$rmax" "$rq1" "$rq3"
		fi
	done
	rm -rf "$tmp"
}

#   ab_ratio TITLE NUM DEN   from $AB_RAW: the per-round ratio of NUM's value to
#                            DEN's in measurement TITLE; prints "median min max"
ab_ratio() {
	awk -F'\t' -v t="$1" -v a="$2" -v b="$3" '$1 == t && $2 == a { x[$3] = $4 } $1 == t && $2 == b { y[$3] = $4 }
		END { for (r in x) if ((r in y) && y[r] > 0 && x[r] != "nan") print x[r] / y[r] }' "$AB_RAW" |
		ab_stats | awk '{ printf "%.2f× [%.2f–%.2f]\n", $1, $2, $5 }'
}
