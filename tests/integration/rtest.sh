#!/usr/bin/env bash
# `retort test` on every database: the fixture projects of tests/rtest/ each
# break one check on purpose and must be caught with the right revision
# named; the clean fixture and examples/project pass; a database that is not
# empty is refused and left untouched (--reset empties it); --json and the
# JUnit file parse; on SQLite a 200-revision stairway runs (its time printed).
. "$top_srcdir/tests/lib/common.sh"

FIX="$top_srcdir/tests/rtest"

# fixture NAME: a copy of tests/rtest/NAME, cd into it; $UARGS names the database (SQLite: none, a temporary file)
fixture() {
	new_db || return 1
	P="$T_ROOT/${1}_${D}_$DB_SEQ"
	cp -r "$FIX/$1" "$P" && cd "$P" || return 1
	export TEST_URL=$URL
	if [ "$D" = sqlite ]; then UARGS=(); else UARGS=(--url "$URL"); fi
}

# expect_line NEEDLE DESC: a line of $OUT starts with NEEDLE
expect_line() {
	if printf '%s\n' "$OUT" | grep -qF -- "$1"; then pass "$2"; else
		failed "$2"
		echo "#   wanted a line with: $1"
		echo "$OUT" | sed 's/^/#   out: /' | head -20
		echo "$ERR" | sed 's/^/#   err: /' | head -5
	fi
}

scenario_rtest() {
	local c
	# ---- each broken fixture caught, with its revision ----
	fixture leftover_index || { failed "database"; return; }
	expect_rc 1 "leftover index: exit 1" test "${UARGS[@]}"
	expect_line "stairway: failed: revision b2 (" "leftover index: stairway fails at b2"
	expect_line '    { op = "drop_index"; name = "ix_item_name"; table = "item"; }' "leftover index: the operation that differs"
	expect_line "upgrade: passed" "leftover index: upgrade passes"
	expect_in "$ERR" "1 of 6 checks failed (stairway)" "leftover index: the error names the check"
	expect_not_in "$ERR" "stairway [" "no progress line when standard error is not a terminal"

	fixture wrong_column || { failed "database"; return; }
	expect_rc 1 "wrong column: exit 1" test "${UARGS[@]}"
	expect_line "stairway: failed: revision c2 (" "wrong column: stairway fails at c2"
	expect_line '    { op = "add_column"; table = "item"; column = { name = "note";' "wrong column: note must come back"
	expect_line '    { op = "drop_column"; table = "item"; column = "price"; }' "wrong column: price must go"

	fixture two_heads || { failed "database"; return; }
	expect_rc 1 "two heads: exit 1" test "${UARGS[@]}"
	expect_line "single-head: failed: revision d3 (" "two heads: single-head fails"
	expect_line "2 heads (d2, d3), expected_heads is 1" "two heads: both heads named"
	echo 'expected_heads = 2;' >>retort.conf
	expect_rc 0 "two heads with expected_heads = 2: every check passes" test "${UARGS[@]}" --reset
	expect_line "single-head: passed" "expected_heads = 2: single-head passes"
	sed -i 's/^expected_heads = 2;/expected_heads = 0;/' retort.conf
	expect_rc 2 "expected_heads = 0 is bad input" test "${UARGS[@]}"
	expect_in "$ERR" "expected_heads" "expected_heads = 0: the key named"

	fixture halfway || { failed "database"; return; }
	expect_rc 1 "upgrade failing halfway: exit 1" test "${UARGS[@]}"
	expect_line "upgrade: failed: revision e2 (" "halfway: upgrade fails at e2"
	expect_line "e2_broken.sql:7), operation 2: INSERT INTO tag" "halfway: the statement and its line"
	expect_line "roundtrip: failed: not run: the upgrade to head failed at e2" "halfway: roundtrip says why it did not run"

	fixture target || { failed "database"; return; }
	expect_rc 1 "target disagrees: exit 1" test "${UARGS[@]}"
	expect_line "target-matches: failed: revision f2 (" "target: target-matches fails at head f2"
	expect_line '{ op = "add_column"; table = "item"; column = { name = "email"; type = "varchar(100)"; }; }' \
		"target: the missing column listed"
	expect_line "stairway: passed" "target: stairway passes"
	echo "oops" >>schema.conf
	expect_rc 2 "a target schema that does not read is bad input" test "${UARGS[@]}" --reset --only target-matches
	expect_in "$ERR" "schema.conf:12: syntax error" "the target's error names file and line"

	fixture data || { failed "database"; return; }
	expect_rc 1 "data check: exit 1" test "${UARGS[@]}"
	expect_line "data: failed: revision g1 (" "data: fails naming g1"
	expect_line "test_check (line 8) is not true after the upgrade to g2" "data: which check, when"
	run_rt --json test "${UARGS[@]}" --reset
	expect_eq "$RC" 1 "data --json: exit 1"
	c=$(printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
c = [x for x in d["checks"] if x["name"] == "data"][0]
print(d["passed"], d["failed"], c["outcome"], c["revision"])' 2>&1)
	expect_eq "$c" "False 1 failed g1" "--json: one document, the data check failed at g1"

	# ---- the clean fixture: every check passes, data included ----
	fixture clean || { failed "database"; return; }
	expect_rc 0 "clean: exit 0" test "${UARGS[@]}" --junit "$P/junit.xml"
	for c in single-head upgrade target-matches roundtrip stairway data; do
		expect_line "$c: passed" "clean: $c passes"
	done
	expect_line "time: single-head " "clean: time per check at the end"
	c=$(python3 -c '
import sys, xml.etree.ElementTree as ET
r = ET.parse(sys.argv[1]).getroot()
s = r.find("testsuite")
print(r.tag, s.get("tests"), s.get("failures"), ",".join(t.get("name") for t in s.findall("testcase")))' "$P/junit.xml" 2>&1)
	expect_eq "$c" "testsuites 6 0 single-head,upgrade,target-matches,roundtrip,stairway,data" "clean: the JUnit file parses"
	if [ "$D" != sqlite ]; then
		expect_eq "$(tables)" "" "clean: the database is left empty when every check passed"
	else
		check "clean: no test.db written (SQLite runs on a temporary file)" test ! -e test.db
	fi

	# the JUnit file of a failure
	fixture leftover_index || { failed "database"; return; }
	expect_rc 1 "leftover index --junit: exit 1" test "${UARGS[@]}" --junit "$P/junit.xml"
	c=$(python3 -c '
import sys, xml.etree.ElementTree as ET
s = ET.parse(sys.argv[1]).getroot().find("testsuite")
f = [t for t in s.findall("testcase") if t.find("failure") is not None]
print(s.get("failures"), f[0].get("name"), "revision b2" in f[0].find("failure").get("message"), "drop_index" in f[0].find("failure").text)' "$P/junit.xml" 2>&1)
	expect_eq "$c" "1 stairway True True" "JUnit: one failure, stairway, revision b2 and the operation"

	# ---- examples/project passes ----
	new_db || { failed "database"; return; }
	cp -r "$top_srcdir/examples/project" "$T_ROOT/example_${D}_$DB_SEQ" && cd "$T_ROOT/example_${D}_$DB_SEQ" || return
	export DATABASE_URL=$URL
	if [ "$D" = sqlite ]; then UARGS=(); else UARGS=(--url "$URL"); fi
	expect_rc 0 "examples/project: every check passes" test "${UARGS[@]}"
	for c in single-head upgrade roundtrip stairway; do
		expect_line "$c: passed" "examples/project: $c passes"
	done
	expect_line "target-matches: skipped: target_schema is not set" "examples/project: no target schema, skipped"

	# ---- a database that is not empty ----
	fixture clean || { failed "database"; return; }
	dbq "CREATE TABLE keep_me (x integer)" >/dev/null
	dbq "INSERT INTO keep_me VALUES (42)" >/dev/null
	expect_rc 2 "a database that is not empty is refused (exit 2)" test --url "$URL"
	expect_in "$ERR" "is not empty (1 table: keep_me)" "the refusal says what is there"
	expect_in "$ERR" "--reset" "the refusal points at --reset"
	expect_eq "$(tables)" "keep_me" "refused: no table created or dropped"
	expect_eq "$(dbq "SELECT x FROM keep_me")" "42" "refused: the row is still there"
	expect_not_in "$ERR" "retort-pw" "no password printed"
	expect_rc 0 "--reset empties it and runs" test --url "$URL" --reset
	expect_eq "$(tables)" "" "after --reset and a pass the database is empty"
	expect_rc 2 "--only with an unknown check is bad input" test --url "$URL" --only nosuch
	expect_rc 0 "--only stairway --only data" test --url "$URL" --only stairway --only data
	expect_eq "$(printf '%s\n' "$OUT" | grep -c ': passed')" "2" "--only: two checks run"
}

# 200 revisions, each a table and an index: the stairway on SQLite (time printed, not asserted)
scenario_many() {
	local i parent="" t0 t1
	new_project || { failed "project"; return; }
	for i in $(seq -w 1 200); do
		rev "r$i" "$parent" "table $i" \
			"{ op = \"create_table\"; table = \"t$i\"; columns = ( { name = \"id\"; type = \"integer\"; primary_key = true; }, { name = \"v\"; type = \"integer\"; } ); }, { op = \"create_index\"; name = \"ix_t${i}_v\"; table = \"t$i\"; columns = [ \"v\" ]; }" \
			"{ op = \"drop_table\"; table = \"t$i\"; }"
		parent="r$i"
	done
	t0=$(date +%s%N)
	expect_rc 0 "200 revisions: the stairway passes" test --only stairway
	t1=$(date +%s%N)
	expect_line "stairway: passed" "200 revisions: stairway passed"
	echo "# 200-revision stairway on SQLite: $(( (t1 - t0) / 1000000 )) ms ($(printf '%s\n' "$OUT" | grep '^time:'))"
	# and one of them broken in the middle: named
	rev r120 r119 "table 120" \
		"{ op = \"create_table\"; table = \"t120\"; columns = ( { name = \"id\"; type = \"integer\"; primary_key = true; } ); }, { op = \"create_index\"; name = \"ix_t120_id\"; table = \"t120\"; columns = [ \"id\" ]; }" \
		"{ op = \"drop_index\"; name = \"ix_t120_id\"; table = \"t120\"; }"
	expect_rc 1 "200 revisions, r120's downgrade keeps its table" test --only stairway
	expect_line "stairway: failed: revision r120 (" "200 revisions: r120 named"
}

for_each_dialect scenario_rtest
RETORT_TEST_DIALECTS=sqlite for_each_dialect scenario_many
finish
