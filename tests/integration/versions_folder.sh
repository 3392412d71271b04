#!/usr/bin/env bash
# Loading the versions folder (issue 17): read-only commands write nothing
# into it (the header cache lives under $XDG_CACHE_HOME/retort), and a
# revision whose depends_on names its own down_revision loads (Alembic
# accepts it) while a real cycle names its revisions.
. "$top_srcdir/tests/lib/common.sh"

scenario_cache_outside() {
	new_project || { failed "database"; return; }
	export XDG_CACHE_HOME="$T_ROOT/xdg-$D"
	table_rev a ""
	table_rev b a
	table_rev c b
	# scripts written in the last 2 seconds are not cached ("racily clean")
	sleep 3
	local before after
	before=$(cd migrations/versions && ls -A | sort | tr '\n' ' ')
	expect_rc 0 "heads" heads
	expect_eq "$OUT" "c (head)" "heads"
	expect_rc 0 "history" history
	expect_rc 0 "heads again (through the cache)" heads
	expect_eq "$OUT" "c (head)" "heads through the cache"
	after=$(cd migrations/versions && ls -A | sort | tr '\n' ' ')
	expect_eq "$after" "$before" "nothing new in the versions folder after heads/history"
	expect_eq "$(ls -A . | sort | tr '\n' ' ')" "migrations retort.conf " "nothing new beside retort.conf"
	check "the cache file is under \$XDG_CACHE_HOME/retort" \
		test "$(find "$XDG_CACHE_HOME/retort" -name 'versions-*' -type f | wc -l)" = 1
	expect_rc 0 "upgrade" upgrade head
	expect_eq "$(versions)" "c" "upgrade through the cache"
}

scenario_depends_on_own_parent() {
	new_project || { failed "database"; return; }
	table_rev a ""
	table_rev b a 'depends_on = "a";'
	table_rev c b 'depends_on = [ "b", "a" ];'
	expect_rc 0 "heads with depends_on naming down_revision" heads
	expect_eq "$OUT" "c (head)" "one head"
	expect_not_in "$ERR" "cycle" "no cycle reported"
	expect_rc 0 "upgrade heads" upgrade heads
	expect_eq "$(versions)" "c" "upgraded"
	expect_rc 0 "downgrade base" downgrade base
	expect_eq "$(versions)" "" "downgraded"
	# a real cycle still names its revisions
	table_rev a c 'depends_on = "c";'
	expect_rc 2 "a real cycle" heads
	expect_in "$ERR" "Cycle is detected in revisions (a, b, c)" "the cycle names its revisions"
	expect_not_in "$ERR" "revisions ()" "never an empty list"
}

for_each_dialect scenario_cache_outside
for_each_dialect scenario_depends_on_own_parent
finish
