#!/usr/bin/env bash
# Several `retort upgrade head` processes started together on one database
# apply each revision exactly once (the migration lock, then the version
# table read again).  SQLite: 2 processes; servers: 8.
. "$top_srcdir/tests/lib/common.sh"

scenario_race() {
	local n=8 i prev="" pids="" rcs=""
	[ "$D" = sqlite ] && n=${RETORT_SQLITE_RACERS:-2}
	new_project || { failed "database"; return; }
	for i in $(seq -w 1 20); do
		table_rev "r$i" "$prev"
		prev="r$i"
	done
	# both transaction settings: per-migration commits give the others a chance to interleave
	for tpm in false true; do
		sed -i "s/^transaction_per_migration = .*/transaction_per_migration = $tpm;/" retort.conf
		[ "$tpm" = true ] && rt -q downgrade base
		pids=""
		for i in $(seq 1 $n); do
			rt -q upgrade head >"$T_ROOT/race.$i.out" 2>&1 &
			pids="$pids $!"
		done
		rcs=""
		for p in $pids; do
			wait "$p"
			rcs="$rcs$?"
		done
		expect_eq "$rcs" "$(printf '0%.0s' $(seq 1 $n))" "$n processes all exit 0 (tpm=$tpm)"
		[ "$rcs" = "$(printf '0%.0s' $(seq 1 $n))" ] || cat "$T_ROOT"/race.*.out | head -20
		expect_eq "$(versions)" "r20" "version table at head (tpm=$tpm)"
		expect_eq "$(dbq "SELECT count(*) FROM retort_history WHERE direction = 'upgrade' AND outcome = 'ok'")" \
			"$([ $tpm = true ] && echo 40 || echo 20)" "each revision applied exactly once (tpm=$tpm)"
		expect_eq "$(dbq "SELECT count(*) FROM (SELECT revision FROM retort_history WHERE direction = 'upgrade' GROUP BY revision, run_id) x" )" \
			"$([ $tpm = true ] && echo 40 || echo 20)" "no revision twice in one run (tpm=$tpm)"
	done
}

for_each_dialect scenario_race
finish
