# Sourced by fleet_sqlite.sh, fleet_postgresql.sh, fleet_mysql.sh (one
# dialect each, so that each stays under a minute): FLEET_DIALECT names it.
#
# Fleets: one plan over many databases (200 SQLite files, 40 PostgreSQL and
# 40 MariaDB databases), --jobs 4; a database made to fail (a conflicting
# table) fails alone and is reported, every other reaches head, a rerun after
# the fix touches only it; current --all shows the spread; check --all finds
# the one database that drifted from the target schema; --fail-fast stops
# starting new databases.
case " ${RETORT_TEST_DIALECTS:-sqlite postgresql mysql} " in
*" $FLEET_DIALECT "*) RETORT_TEST_DIALECTS=$FLEET_DIALECT ;;
*) echo "# $FLEET_DIALECT is not in RETORT_TEST_DIALECTS"; exit 77 ;;
esac
. "$top_srcdir/tests/lib/common.sh"

# fleet N: N fresh databases, their URLs in URLS[] and (SQLite) files in FILES[],
# listed in tenants.txt as "tI URL tag" (every tenth one tagged "ten", the rest "rest")
fleet() {
	local n=$1 i tag
	URLS=()
	FILES=()
	: >"$P/tenants.txt"
	for i in $(seq 1 "$n"); do
		if [ "$D" = sqlite ]; then # no server: a file name is enough (new_db's bookkeeping, 200 times, is not)
			FILES[$i]="$T_ROOT/fleet_$i.db"
			URLS[$i]="sqlite:///${FILES[$i]}"
		else
			new_db || return 1
			URLS[$i]=$URL
		fi
		tag=rest
		[ $((i % 10)) = 0 ] && tag=ten
		echo "t$i ${URLS[$i]} $tag" >>"$P/tenants.txt"
	done
}

# on I: point dbq at database I of the fleet
on() {
	URL=${URLS[$1]}
	DBFILE=${FILES[$1]:-}
	[ "$D" = sqlite ] || url_split "$URL"
}

# states: run `current --all` once; count_state STATE: how many databases it showed in STATE
states() { STATES=$(rt current --all --jobs 4); }
count_state() {
	echo "$STATES" | awk -v s="$1" 'NF == 3 && $1 ~ /^t[0-9]+$/ && $3 == s' | wc -l | tr -d ' '
}

scenario() {
	local n=40 i out
	[ "$D" = sqlite ] && n=200
	P="$T_ROOT/p_$D"
	mkdir -p "$P/migrations/versions"
	cd "$P" || return 1
	fleet "$n" || { failed "created $n databases"; return; }
	cat >retort.conf <<'EOF'
script_location = "migrations";
databases_from = "tenants.txt";
EOF
	table_rev r1 ""
	table_rev r2 r1
	table_rev r3 r2
	table_rev r4 r3

	expect_rc 0 "current --all on $n empty databases" current --all --jobs 4
	expect_in "$OUT" "$(printf '  %5d  base  base' "$n")" "current --all: the spread says all $n at base"

	# database 7 has a table that r3 creates: its upgrade fails there
	on 7
	dbq "CREATE TABLE t_r3 (x integer)"
	local t0=$SECONDS
	expect_rc 1 "upgrade --all --jobs 4: exit 1 when one database fails" upgrade --all --jobs 4 head
	echo "# upgrade of $n databases: $((SECONDS - t0)) s"
	expect_in "$ERR" "1 of $n databases failed: t7" "the summary names the failed database"
	out=$(echo "$OUT" | grep '^t7 ')
	expect_in "$out" "failed: " "t7's line says failed, with the error"
	expect_in "$out" "r3" "t7's error names the revision"
	expect_eq "$(echo "$OUT" | grep -c ' -> r4 .* ok$')" "$((n - 1))" "every other database's line: -> r4 ok"
	states
	expect_eq "$(count_state head)" "$((n - 1))" "current --all: $((n - 1)) at head"
	case $D in
	mysql)
		# MariaDB commits DDL: r1 and r2 stay, r3 is marked failed
		expect_eq "$(versions)" "r2" "t7 is at r2 (MySQL commits as it goes)"
		expect_eq "$(count_state failed)" 1 "current --all: t7 marked failed"
		;;
	*)
		expect_eq "$(versions)" "" "t7 rolled back whole: no version row"
		expect_eq "$(tables | tr '\n' ' ')" "retort_history retort_version t_r3 " "t7 has only the conflicting table (and the failure recorded)"
		expect_eq "$(count_state base)" 1 "current --all: t7 at base"
		;;
	esac
	on 8
	expect_eq "$(versions)" "r4" "t8 reached head"
	expect_eq "$(dbq "SELECT count(*) FROM retort_history")" 4 "t8 has one history row per revision"

	# the fix, then a rerun: only t7 moves
	on 7
	dbq "DROP TABLE t_r3"
	if [ "$D" = mysql ]; then
		expect_rc 0 "repair t7 (MySQL: the failed step's mark)" --url "$URL" repair
	fi
	expect_rc 0 "rerun upgrade --all: exit 0" upgrade --all --jobs 4 head
	expect_eq "$(echo "$OUT" | grep -c ' r4 -> r4 .* ok$')" "$((n - 1))" "rerun: the others had nothing to do"
	expect_in "$(echo "$OUT" | grep '^t7 ')" " -> r4 " "rerun: t7 reaches r4"
	on 8
	expect_eq "$(dbq "SELECT count(*) FROM retort_history")" 4 "rerun: t8 wrote no history row"
	states
	expect_eq "$(count_state head)" "$n" "current --all: all $n at head"
	run_rt --json current --all
	expect_in "$OUT" "\"spread\": [{\"revisions\": \"r4\", \"state\": \"head\", \"count\": $n}]" "--json: the spread"

	# check --all: every database against the target schema (dumped from one at head); one drifted
	on 8
	expect_rc 0 "schema dump of t8 as the target" --url "$URL" schema dump -o target.conf
	echo 'target_schema = "target.conf";' >>retort.conf
	expect_rc 0 "check --all: no database differs" check --all --jobs 4
	expect_eq "$(echo "$OUT" | grep -c ' ok (no differences)$')" "$n" "check --all: every line says no differences"
	on 9
	dbq "CREATE TABLE drift (x integer)"
	expect_rc 1 "check --all: exit 1 when one database drifted" check --all --jobs 4
	expect_in "$(echo "$OUT" | grep '^t9 ')" "failed: the database differs from the target schema" "check --all: t9 differs"
	expect_in "$ERR" "1 of $n databases failed: t9" "check --all: the summary names t9"
	run_rt --json check --all --jobs 4
	expect_in "$OUT" "\"ok\": $((n - 1)), \"failed\": 1" "check --all --json: the summary"
	dbq "DROP TABLE drift"
	sed -i '/^target_schema/d' retort.conf

	# --tag and --target choose
	expect_rc 0 "downgrade --tag ten -1" downgrade --tag ten --jobs 4 -1
	expect_eq "$(echo "$OUT" | grep -c ' r4 -> r3 ')" "$((n / 10))" "--tag: only the tagged databases moved"
	expect_rc 0 "upgrade --target t10 --target t20" upgrade --target t10 --target t20 head
	expect_eq "$(echo "$OUT" | wc -l | tr -d ' ')" 2 "--target: two lines"
	states
	expect_eq "$(count_state behind)" "$((n / 10 - 2))" "current --all: the tagged ones not re-upgraded are behind"

	# --fail-fast: t1 cannot downgrade (its t_r4 is gone); one job: nothing after it starts
	on 1
	dbq "DROP TABLE t_r4"
	run_rt --json downgrade --all --jobs 1 --fail-fast r3
	expect_eq "$RC" 1 "--fail-fast: exit 1"
	expect_in "$OUT" "\"failed\": 1, \"not_started\": $((n - 1))" "--fail-fast: the others not started"
	expect_in "$ERR" "not started" "--fail-fast: the summary says so"
	on 2
	expect_eq "$(versions)" "r4" "--fail-fast: t2 untouched"
}

for_each_dialect scenario
finish
