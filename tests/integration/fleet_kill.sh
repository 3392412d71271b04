#!/usr/bin/env bash
# Kill -9 in the middle of a fleet run (SQLite, PostgreSQL: transactional
# DDL): every database is at its old revision or its new one, its tables
# matching its version table, none half-migrated; the rerun finishes the fleet.
. "$top_srcdir/tests/lib/common.sh"

NREV=20

scenario() {
	local n=40 jobs=2 i k line name revs tabs mixed=0 at_head=0 at_base=0 bad=0
	[ "$D" = postgresql ] && n=12
	P="$T_ROOT/p_$D"
	mkdir -p "$P/migrations/versions"
	cd "$P" || return 1
	: >tenants.txt
	for i in $(seq 1 "$n"); do
		if [ "$D" = sqlite ]; then
			echo "k$i sqlite:///$T_ROOT/kill_$i.db" >>tenants.txt
		else
			new_db || return 1
			echo "k$i $URL" >>tenants.txt
		fi
	done
	cat >retort.conf <<'EOF'
script_location = "migrations";
transaction_per_migration = false;
databases_from = "tenants.txt";
plugins = ( { module = "jsonlog"; path = "${here}/events.log"; events = [ "migrate.after" ]; } );
EOF
	table_rev r1 ""
	for k in $(seq 2 $NREV); do table_rev "r$k" "r$((k - 1))"; done

	# kill it once three databases are done (jsonlog writes migrate.after as each finishes)
	: >events.log
	"$RETORT" upgrade --all --jobs $jobs head >/dev/null 2>&1 & # not through rt(): $! must be retort itself
	local pid=$!
	for i in $(seq 1 600); do
		[ "$(grep -c migrate.after events.log)" -ge 3 ] && break
		sleep 0.05
	done
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	echo "# killed after $(grep -c migrate.after events.log) of $n databases finished"

	# each database: version table and tables agree, all or nothing
	while read -r name url; do
		URL=$url
		if [ "$D" = sqlite ]; then
			DBFILE=${url#sqlite:///}
		else
			url_split "$URL"
		fi
		case $D in
		sqlite) tabs=$(dbq "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name LIKE 't_r%'") ;;
		*) tabs=$(dbq "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE 't_r%'") ;;
		esac
		revs=$(versions)
		if [ "$revs" = "r$NREV" ] && [ "$tabs" = $NREV ]; then
			at_head=$((at_head + 1))
		elif [ -z "$revs" ] && [ "$tabs" = 0 ]; then
			at_base=$((at_base + 1))
		else
			bad=$((bad + 1))
			echo "# $name: version '$revs' with $tabs tables"
		fi
	done <tenants.txt
	expect_eq "$bad" 0 "after kill -9: no database half-migrated ($at_head at head, $at_base at base)"
	check "the kill landed mid-fleet (some done, some not)" test "$at_head" -ge 3 -a "$at_base" -ge 1

	expect_rc 0 "the rerun finishes the fleet" upgrade --all --jobs $jobs head
	expect_eq "$(echo "$OUT" | grep -c "r$NREV -> r$NREV .* ok$")" "$at_head" "the rerun left the finished ones alone"
	run_rt current --all
	expect_in "$OUT" "$(printf '  %5d  r%d  head' "$n" $NREV)" "current --all: all $n at head"
}

RETORT_TEST_DIALECTS=${RETORT_TEST_DIALECTS:-sqlite postgresql}
RETORT_TEST_DIALECTS=$(for d in $RETORT_TEST_DIALECTS; do case $d in sqlite | postgresql) echo "$d" ;; esac; done)
for_each_dialect scenario
finish
