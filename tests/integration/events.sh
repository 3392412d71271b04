#!/usr/bin/env bash
# Every event retort-plugin(7) lists, received through the jsonlog hook where
# it says it fires: the lock events (with who holds the lock, on PostgreSQL
# and MariaDB), script.written, validate.mismatch; the payload's started_at
# (ISO 8601, UTC, `Z`) and run_id (128 random bits); `retort lock` while a
# second upgrade waits; check.drift when `check` finds the database differs
# from the target schema.
. "$top_srcdir/tests/lib/common.sh"

# ev FILE EVENT FIELD [N]: the field (a.b for the holder's) of the Nth (from 0; -1 the last) event named EVENT
ev() {
	python3 - "$@" <<'EOF'
import json, sys
path, name, field = sys.argv[1:4]
n = int(sys.argv[4]) if len(sys.argv) > 4 else 0
try:
    evs = [json.loads(l) for l in open(path) if l.strip()]
except FileNotFoundError:
    evs = []
evs = [e for e in evs if e["event"] == name]
if not evs or n >= len(evs):
    print("<none>")
    sys.exit(0)
v = evs[n]
for k in field.split("."):
    v = v.get(k) if isinstance(v, dict) else None
print("null" if v is None else v)
EOF
}
# names FILE: the events' names in order, space-separated
names() { python3 -c 'import json, sys; print(" ".join(json.loads(l)["event"] for l in open(sys.argv[1]) if l.strip()))' "$1" 2>/dev/null; }

ISO_RE='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$'

# every started_at of FILE is ISO 8601 UTC with Z (and there is at least one)
all_iso() {
	python3 - "$1" <<'EOF'
import json, re, sys
vals = [json.loads(l).get("started_at") for l in open(sys.argv[1]) if l.strip()]
vals = [v for v in vals if v is not None]
ok = vals and all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", v) for v in vals)
sys.exit(0 if ok else 1)
EOF
}

# jsonlog into $LOG_FILE (so each process of a test logs where it is told)
add_jsonlog() {
	echo 'plugins = ( { module = "jsonlog"; path = "${LOG_FILE}"; events = [ "*" ]; } );' >>"${1:-retort.conf}"
}

# The gate: a session of the database's own client holding a lock of its
# own until the file `release` exists.  On PostgreSQL and MariaDB the
# holding upgrade's revision waits for the gate's lock, so it holds the
# migration lock for as long as the test needs, however slow the machine;
# on SQLite the gate's BEGIN IMMEDIATE is the migration lock itself.
gate_open() {
	url_split "$URL"
	case $D in
	sqlite)
		sqlite3 "$DBFILE" "PRAGMA user_version = 1"
		(echo "BEGIN IMMEDIATE;"; while [ ! -e release ]; do sleep 0.1; done; echo "ROLLBACK;") | sqlite3 "$DBFILE" &
		;;
	postgresql)
		(echo "SELECT pg_advisory_lock(4242);"; while [ ! -e release ]; do sleep 0.1; done) |
			PGPASSWORD=$U_PASS "$PSQL" -q -X -h "$U_HOST" -p "$U_PORT" -U "$U_USER" -d "$U_DB" >/dev/null &
		;;
	mysql)
		(echo "SELECT GET_LOCK('rt_gate', 0);"; while [ ! -e release ]; do sleep 0.1; done) |
			mariadb -h "$U_HOST" -P "$U_PORT" -u "$U_USER" -p"$U_PASS" "$U_DB" >/dev/null &
		;;
	esac
	GATE_PID=$!
	local i q
	case $D in
	postgresql) q="SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 4242 AND granted" ;;
	mysql) q="SELECT IS_USED_LOCK('rt_gate') IS NOT NULL" ;;
	sqlite) return 0 ;;
	esac
	for i in $(seq 1 300); do
		[ "$(dbq "$q")" = 1 ] && return 0
		sleep 0.1
	done
	return 1
}
# what the holding revision runs: wait for the gate
gate_sql() {
	case $D in
	postgresql) echo "SELECT pg_advisory_lock(4242)" ;;
	mysql) echo "DO GET_LOCK('rt_gate', 300)" ;;
	esac
}

# wait until `retort lock` says the lock is held (at most 60 s)
wait_held() {
	local i
	for i in $(seq 1 600); do
		rt --json lock 2>/dev/null | grep -q '"held": true' && return 0
		sleep 0.1
	done
	return 1
}

# ---- payload: started_at and run_id ----

scenario_payload() {
	new_project || { failed "database"; return; }
	add_jsonlog
	export LOG_FILE=$PWD/ev.log
	table_rev a ""
	table_rev b a
	expect_rc 0 "upgrade +1" upgrade +1
	expect_rc 0 "upgrade head" upgrade head
	local s r1 r2
	s=$(ev ev.log migrate.before started_at)
	if [[ $s =~ $ISO_RE ]]; then pass "started_at is ISO 8601 UTC with Z ($s)"; else failed "started_at is ISO 8601 UTC with Z (got '$s')"; fi
	if all_iso ev.log; then pass "every event's started_at is ISO 8601 UTC with Z"; else
		failed "every event's started_at is ISO 8601 UTC with Z"
		grep -o '"started_at":"[^"]*"' ev.log | sort -u | head -5 | sed 's/^/#   /'
	fi
	r1=$(ev ev.log migrate.before run_id 0)
	r2=$(ev ev.log migrate.before run_id 1)
	if [[ $r1 =~ ^[0-9a-f]{32}$ ]]; then pass "run_id is 128 bits in hex ($r1)"; else failed "run_id is 128 bits in hex (got '$r1')"; fi
	[ "$r1" != "$r2" ] && pass "two runs have different run_ids" || failed "two runs have different run_ids ($r1)"
	expect_eq "$(dbq "SELECT DISTINCT run_id FROM retort_history WHERE revision = 'a'")" "$r1" \
		"the history row carries the event's run_id"
	# the low bits are not the pid (the old id ended in the pid's 16 bits)
	expect_eq "$(ev ev.log revision.after started_at 0 | cut -c11)" "T" "revision events too"
}

# ---- lock events, lock holder, `retort lock` ----

scenario_lock() {
	new_project || { failed "database"; return; }
	add_jsonlog
	export LOG_FILE=$PWD/other.log
	sed 's/^lock_timeout = .*/lock_timeout = 1;/' retort.conf >short.conf
	gate_open || { failed "the gate's lock"; return; }
	if [ "$D" = sqlite ]; then
		table_rev a ""
	else
		rev a "" "hold the lock" "{ op = \"execute\"; sql = \"$(gate_sql)\"; }" "{ op = \"execute\"; sql = \"SELECT 1\"; }"
		LOG_FILE=$PWD/holder.log rt -q upgrade head >holder.out 2>&1 &
	fi
	local hpid=${!:-} held who sess
	if wait_held; then pass "retort lock sees the lock held"; else failed "retort lock sees the lock held"; fi

	# a second upgrade that gives up after 1 s
	LOG_FILE=$PWD/short.log run_rt -c short.conf upgrade head
	expect_eq "$RC" 1 "an upgrade that cannot get the lock exits 1"
	expect_eq "$(names short.log)" "migrate.before lock.wait lock.timeout migrate.error" \
		"it fires migrate.before, lock.wait, lock.timeout, migrate.error"
	expect_in "$ERR" "could not take the migration lock" "and says why"
	local short_err=$ERR
	local to=$(ev short.log lock.timeout duration_ms)
	[ "${to:-0}" -ge 900 ] 2>/dev/null && pass "lock.timeout carries the time waited ($to ms)" || failed "lock.timeout carries the time waited ($to)"
	expect_in "$(ev short.log lock.timeout error)" "migration lock" "lock.timeout carries the error"

	# a second upgrade that waits, and `retort lock` meanwhile
	LOG_FILE=$PWD/wait.log rt upgrade head >wait.out 2>wait.err &
	local wpid=$!
	for _ in $(seq 1 600); do grep -q lock.wait wait.log 2>/dev/null && break; sleep 0.1; done
	run_rt lock
	who=$OUT
	run_rt --json lock
	held=$OUT
	touch release
	wait "$wpid"
	expect_eq "$?" 0 "the waiting upgrade gets the lock once it is free"
	[ "$D" = sqlite ] || wait "$hpid"
	wait "$GATE_PID"
	expect_eq "$(names wait.log | cut -d' ' -f1-3)" "migrate.before lock.wait lock.acquired" "it fires lock.wait then lock.acquired"
	local acq=$(ev wait.log lock.acquired duration_ms)
	[ "${acq:-0}" -ge 100 ] 2>/dev/null && pass "lock.acquired carries the time waited ($acq ms)" || failed "lock.acquired carries the time waited ($acq)"
	expect_in "$(cat wait.err)" "Waiting up to 30 s for the migration lock, held by" "the waiting upgrade says who holds the lock"
	expect_in "$held" '"held": true' "retort --json lock while an upgrade waits: held"

	if [ "$D" = sqlite ]; then
		expect_in "$who" "is held (the sqlite dialect cannot tell by whom)" "retort lock on SQLite: held, by whom unknown"
		expect_eq "$(ev wait.log lock.wait lock_holder)" "null" "SQLite's lock.wait has no holder"
		expect_in "$held" '"holder": null' "retort --json lock on SQLite: no holder"
	else
		# the holder is the first upgrade's session
		sess=$(ev wait.log lock.wait lock_holder.session)
		[[ $sess =~ ^[0-9]+$ ]] && pass "lock.wait names the holder's session ($sess)" || failed "lock.wait names the holder's session ($sess)"
		expect_eq "$(ev short.log lock.timeout lock_holder.session)" "$sess" "lock.timeout names the same session"
		expect_eq "$(ev short.log lock.wait lock_holder.user)" "$U_USER" "and its user"
		expect_in "$who" "held by session $sess of user $U_USER" "retort lock names the session and user while an upgrade waits"
		expect_in "$held" "\"session\": \"$sess\"" "retort --json lock: the session"
		expect_in "$short_err" "it is held by session $sess of user $U_USER" "the time-out error names the holder"
		if [ "$D" = postgresql ]; then
			expect_eq "$(ev wait.log lock.wait lock_holder.application)" "retort" "PostgreSQL: the holder's application_name is retort"
			local since=$(ev wait.log lock.wait lock_holder.since)
			[[ $since =~ $ISO_RE ]] && pass "PostgreSQL: since when (ISO 8601 UTC: $since)" || failed "PostgreSQL: since when ($since)"
			expect_in "$who" "(application retort" "retort lock shows the application"
			expect_in "$who" "connected since" "retort lock shows since when"
		else
			expect_eq "$(ev wait.log lock.wait lock_holder.since)" "null" "MariaDB: no since (the server does not record it)"
		fi
		expect_eq "$(ev holder.log lock.wait lock_holder)" "<none>" "the holder itself did not wait"
		expect_eq "$(names holder.log | cut -d' ' -f1-2)" "migrate.before lock.acquired" "the holder fires lock.acquired without lock.wait"
	fi
	expect_eq "$(ev wait.log lock.acquired lock_holder)" "null" "lock.acquired carries no holder"
	run_rt lock
	expect_in "$OUT" "is free." "retort lock once everyone is done: free"
	expect_rc 0 "retort --json lock" --json lock
	expect_in "$OUT" '"held": false' "--json: free"
}

# ---- script.written, validate.mismatch ----

scenario_written() {
	new_project || { failed "database"; return; }
	add_jsonlog
	export LOG_FILE=$PWD/ev.log
	expect_rc 0 "revision" revision -m "first one" --rev-id aaaa00000001
	local f
	f=$(ls migrations/versions/aaaa00000001*)
	expect_eq "$(names ev.log)" "script.written" "revision fires script.written (only)"
	expect_eq "$(ev ev.log script.written path)" "$PWD/$f" "with the file's path"
	expect_eq "$(ev ev.log script.written revision)" "aaaa00000001" "and the revision"
	[[ $(ev ev.log script.written started_at) =~ $ISO_RE ]] && pass "and started_at in ISO 8601 UTC" || failed "script.written started_at"
	expect_rc 0 "revision on a branch" revision -m "second" --rev-id bbbb00000002 --head base --branch-label other
	expect_rc 0 "merge" merge -m "join" --rev-id cccc00000003 heads
	expect_eq "$(ev ev.log script.written revision 2)" "cccc00000003" "merge fires script.written"
	expect_eq "$(ev ev.log script.written command 2)" "merge" "with command merge"

	: >ev.log
	expect_rc 0 "upgrade heads" upgrade heads
	expect_rc 0 "validate" validate
	expect_eq "$(ev ev.log validate.mismatch event)" "<none>" "no validate.mismatch while scripts match"
	echo "# edited" >>"$f"
	expect_rc 1 "validate finds the edit" validate
	expect_eq "$(ev ev.log validate.mismatch revision)" "aaaa00000001" "validate.mismatch names the revision"
	expect_eq "$(ev ev.log validate.mismatch outcome)" "failed" "with outcome failed"
	expect_eq "$(ev ev.log validate.mismatch error)" "checksum mismatch" "and error checksum mismatch"
}

# ---- check.drift ----

scenario_drift() {
	new_project || { failed "database"; return; }
	add_jsonlog
	export LOG_FILE=$PWD/ev.log
	echo "target_schema = \"schema.conf\";" >>retort.conf
	echo 'tables = ( { name = "drifted"; columns = ( { name = "id"; type = "integer"; primary_key = true; } ); } );' >schema.conf
	expect_rc 1 "check finds the difference" check
	expect_eq "$(ev ev.log check.drift event)" "check.drift" "check fires check.drift"
	expect_eq "$(ev ev.log check.drift outcome)" "failed" "with outcome failed"
	echo 'tables = ();' >schema.conf
	: >ev.log
	expect_rc 0 "check on a database that matches" check
	expect_eq "$(ev ev.log check.drift event)" "<none>" "no check.drift when nothing differs"
}

# ---- the backup recipe of docs/recipes.md, its SQLite block as written ----

scenario_recipe() {
	new_project || { failed "database"; return; }
	local block
	block=$(awk '/^### SQLite/ {on = 1} on && /^```conf/ {grab = 1; next} grab && /^```/ {exit} grab' \
		"$top_srcdir/docs/recipes.md")
	[ -n "$block" ] && pass "the recipe's SQLite block" || { failed "the recipe's SQLite block"; return; }
	grep -v '^database' retort.conf >r.conf
	printf '%s\n' "$block" >>r.conf
	mv r.conf retort.conf
	DBFILE=$PWD/app.db
	table_rev a ""
	expect_rc 0 "upgrade with the backup hook" upgrade head
	expect_eq "$(ls backups | wc -l)" 1 "one backup"
	table_rev b a
	sleep 1
	expect_rc 0 "a second upgrade" upgrade head
	expect_eq "$(ls backups | wc -l)" 2 "a second backup"
	local newest
	newest=$(ls -t backups/*.db | head -1)
	expect_eq "$(sqlite3 "$newest" "SELECT name FROM sqlite_master WHERE name LIKE 't_%' ORDER BY name" | tr '\n' ' ')" "t_a " \
		"the backup holds the database from before the upgrade"
	expect_eq "$(sqlite3 app.db "SELECT version_num FROM retort_version")" "b" "the database is at head"
	# a backup that fails stops the run before anything changes
	rm -rf backups && echo "not a folder" >backups
	table_rev c b
	expect_rc 1 "a failing backup stops the upgrade" upgrade head
	expect_eq "$(sqlite3 app.db "SELECT version_num FROM retort_version")" "b" "nothing was migrated"
	expect_eq "$(sqlite3 app.db "SELECT count(*) FROM sqlite_master WHERE name = 't_c'")" 0 "t_c was not created"
}

RETORT_TEST_DIALECTS=sqlite for_each_dialect scenario_recipe
for_each_dialect scenario_payload
for_each_dialect scenario_lock
for_each_dialect scenario_written
RETORT_TEST_DIALECTS=sqlite for_each_dialect scenario_drift
finish
