#!/usr/bin/env bash
# Crash safety: `retort upgrade head` over 50 revisions is killed with
# SIGKILL at 24 different moments; after each kill the version table names
# exactly the revisions whose tables exist, and a second `upgrade head`
# finishes the job (transactional-DDL dialects: SQLite, PostgreSQL).
# MariaDB commits DDL as it goes: a 20-revision run is killed at random
# moments (16 per transaction setting); after each kill either the version
# table matches the schema or `current` marks the one revision that was
# interrupted (its `running` history row), no applied revision lacks its
# `ok` history row, and after the hand repair and `retort repair` an
# `upgrade head` reaches head.
. "$top_srcdir/tests/lib/common.sh"

N=50
KILLS=${RETORT_CRASH_KILLS:-24}

now_ms() { date +%s%3N; }

# the version table must match the schema: rK <=> tables t_r01..t_rK exist, nothing more
consistent() {
	local v want have i
	v=$(versions)
	want=""
	if [ -n "$v" ]; then
		for i in $(seq -w 1 "${v#r}"); do want="$want t_r$i"; done
	fi
	have=$(tables | grep '^t_r' | tr '\n' ' ' | sed 's/^/ /; s/ $//')
	[ "$have" = "$want" ] || { echo "# version '$v' but tables:$have"; return 1; }
}

scenario_crash() {
	local i prev="" t0 t1 total delay bad=0 moments=""
	if [ "$D" = mysql ]; then
		crash_mysql
		return
	fi
	new_project || { failed "database"; return; }
	for i in $(seq -w 1 $N); do
		rev "r$i" "$prev" "r$i" \
			"{ op = \"create_table\"; table = \"t_r$i\"; columns = ( { name = \"id\"; type = \"integer\"; primary_key = true; }, { name = \"name\"; type = \"varchar(50)\"; nullable = false; } ); },
			 { op = \"create_index\"; name = \"ix_t_r${i}_name\"; table = \"t_r$i\"; columns = [ \"name\" ]; }" \
			"{ op = \"drop_table\"; table = \"t_r$i\"; }"
		prev="r$i"
	done
	for tpm in true false; do
		sed -i "s/^transaction_per_migration = .*/transaction_per_migration = $tpm;/" retort.conf
		rt -q downgrade base >/dev/null 2>&1
		t0=$(now_ms)
		rt -q upgrade head >/dev/null 2>&1
		t1=$(now_ms)
		total=$((t1 - t0))
		[ $total -lt 20 ] && total=20
		for i in $(seq 1 "$KILLS"); do
			rt -q downgrade base >/dev/null 2>&1
			delay=$((total * i / (KILLS + 1)))
			"$RETORT" -q upgrade head >/dev/null 2>&1 &
			local pid=$!
			sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
			kill -9 $pid 2>/dev/null
			wait $pid 2>/dev/null
			moments="$moments $(versions | sed 's/^$/base/')"
			consistent || bad=$((bad + 1))
		done
		expect_eq "$bad" "0" "after $KILLS kills (tpm=$tpm) the version table always matched the schema"
		echo "# tpm=$tpm: killed at states:$moments"
		expect_rc 0 "a second upgrade head finishes the job (tpm=$tpm)" upgrade head
		expect_eq "$(versions)" "r$N" "at head after the kill (tpm=$tpm)"
		check "schema matches at head (tpm=$tpm)" consistent
		moments=""
		bad=0
	done
}

# the version table must match the schema, except for the revision `current`
# marks as interrupted; every applied revision has its `ok` history row
# (one query reads the three; MARKED: the marked revision)
consistent_or_marked() {
	local state v k have want="" marked i oks
	state=$(dbq "SELECT (SELECT GROUP_CONCAT(version_num) FROM retort_version),
		(SELECT GROUP_CONCAT(table_name ORDER BY table_name SEPARATOR ' ') FROM information_schema.tables
		 WHERE table_schema = DATABASE() AND table_name LIKE 't\\_r%'),
		(SELECT count(DISTINCT revision) FROM retort_history WHERE outcome = 'ok' AND direction = 'upgrade')")
	IFS='|' read -r v have oks <<<"$state"
	[ "$v" = NULL ] && v=""
	[ "$have" = NULL ] && have=""
	k=${v#r}
	k=${k#0}
	[ -n "$k" ] || k=0
	for i in $(seq 1 "$k"); do want="$want t_r$(printf '%02d' "$i")"; done
	want=${want# }
	run_rt current
	marked=$(echo "$OUT" | sed -n 's/^\(r[0-9]*\) (failed)$/\1/p')
	if [ -n "$marked" ]; then
		[ "$marked" = "r$(printf '%02d' $((k + 1)))" ] || { echo "# version '$v' but marked $marked"; return 1; }
		[ "$have" = "$want" ] || [ "$have" = "${want:+$want }t_$marked" ] ||
			{ echo "# version '$v', $marked marked, tables: $have"; return 1; }
	else
		[ "$have" = "$want" ] || { echo "# version '$v' (no mark) but tables: $have"; return 1; }
	fi
	[ "$oks" = "$k" ] || { echo "# version '$v' but $oks ok rows"; LOST=1; return 1; }
	MARKED=$marked
}

crash_mysql() {
	local n=20 trials=${RETORT_CRASH_KILLS_MYSQL:-16} i prev="" t0 total delay bad lost interrupted pid try
	new_project || { failed "database"; return; }
	for i in $(seq -w 1 $n); do
		rev "r$i" "$prev" "r$i" \
			"{ op = \"create_table\"; table = \"t_r$i\"; columns = ( { name = \"id\"; type = \"integer\"; primary_key = true; } ); }" \
			"{ op = \"drop_table\"; table = \"t_r$i\"; }"
		prev="r$i"
	done
	reset() { dbq "DROP TABLE IF EXISTS $(seq -f 't_r%02g' 1 $n | paste -sd,); DELETE FROM retort_version; DELETE FROM retort_history" >/dev/null; }
	for tpm in true false; do
		sed -i "s/^transaction_per_migration = .*/transaction_per_migration = $tpm;/" retort.conf
		rt -q upgrade base >/dev/null 2>&1
		reset
		t0=$(now_ms)
		rt -q upgrade head >/dev/null 2>&1
		total=$(($(now_ms) - t0))
		bad=0
		lost=0
		interrupted=0
		for i in $(seq 1 "$trials"); do
			reset
			delay=$((RANDOM % total))
			"$RETORT" -q upgrade head >/dev/null 2>&1 &
			pid=$!
			sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
			kill -9 $pid 2>/dev/null
			wait $pid 2>/dev/null
			# the server notices the dead session (and frees its lock) a moment later
			LOST=0
			for try in 1 2 3 4 5 6 7 8 9 10; do
				MARKED=""
				consistent_or_marked >"$T_ROOT/why" && break
				sleep 0.3
			done
			lost=$((lost + LOST))
			[ "$try" = 10 ] && { bad=$((bad + 1)); cat "$T_ROOT/why"; }
			[ -n "$MARKED" ] || [ "$i" = "$trials" ] || continue
			if [ -n "$MARKED" ]; then
				interrupted=$((interrupted + 1))
				run_rt upgrade head
				{ contains "$ERR" "was interrupted" && contains "$ERR" "retort repair"; } ||
					{ bad=$((bad + 1)); echo "# upgrade did not refuse: $ERR"; }
				dbq "DROP TABLE IF EXISTS t_$MARKED" >/dev/null # the hand repair
				rt -q repair >/dev/null 2>&1 || bad=$((bad + 1))
			fi
			rt -q upgrade head >/dev/null 2>&1 || { bad=$((bad + 1)); echo "# upgrade head after the kill failed"; }
			[ "$(versions)" = "r$n" ] || { bad=$((bad + 1)); echo "# not at head after the kill: $(versions)"; }
		done
		expect_eq "$bad" "0" "after $trials kills (tpm=$tpm) the schema matched the version table or current marked the interrupted revision; upgrade after repair reached head"
		expect_eq "$lost" "0" "no history row lost (tpm=$tpm)"
		echo "# tpm=$tpm: $interrupted of $trials kills left a revision marked as interrupted"
	done
}

for_each_dialect scenario_crash
finish
