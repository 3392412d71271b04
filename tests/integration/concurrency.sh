#!/usr/bin/env bash
# Several `retort upgrade head` processes started together on one database
# apply each revision exactly once (the migration lock, then the version
# table read again).  SQLite: 2 processes; servers: 8.  Two projects in two
# databases of one server do not wait for each other's lock.
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

# Project one's upgrade holds its lock (a revision sleeping); project two, in
# another database of the same server, upgrades meanwhile without waiting.
scenario_two_databases() {
	local sleep_sql busy p1 url1 i
	case $D in
	sqlite) return ;; # two files
	postgresql) sleep_sql="SELECT pg_sleep(8)"; busy="SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(8)'" ;;
	mysql) sleep_sql="SELECT SLEEP(8)"; busy="SELECT count(*) FROM information_schema.PROCESSLIST WHERE INFO = 'SELECT SLEEP(8)'" ;;
	esac
	new_project || { failed "database"; return; }
	p1=$P url1=$URL
	rev s1 "" "sleeps" "{ op = \"execute\"; sql = \"$sleep_sql\"; }" '{ op = "execute"; sql = "SELECT 1"; }'
	rt -q upgrade head >"$T_ROOT/two.out" 2>&1 &
	local pid=$!
	for i in $(seq 1 100); do [ "$(dbq "$busy")" = 1 ] && break; sleep 0.1; done
	expect_eq "$(dbq "$busy")" "1" "project one's upgrade is running its revision (holding its lock)"
	LOCK_TIMEOUT=1 new_project || { failed "database"; return; }
	table_rev t1 ""
	expect_rc 0 "project two (another database, lock_timeout = 1) upgrades meanwhile" upgrade head
	expect_not_in "$ERR" "lock" "... without waiting for a lock"
	wait "$pid"
	expect_eq "$?" "0" "project one's upgrade finishes"
	cd "$p1" && URL=$url1 && url_split "$URL"
	expect_eq "$(versions)" "s1" "project one at its head"
}

for_each_dialect scenario_race
for_each_dialect scenario_two_databases
finish
