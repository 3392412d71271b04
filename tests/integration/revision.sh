#!/usr/bin/env bash
# Writing revisions through the command line: file_template with Alembic's
# tokens and Python's conversions, file names that must stay plain files of
# the versions folder, slugs of non-ASCII messages, merge and --json.
# `revision` and `merge` never open the database: SQLite's project is enough.
. "$top_srcdir/tests/lib/common.sh"

# set_template TEMPLATE: file_template on line 7 of retort.conf (after new_project's six lines)
set_template() {
	sed -i '/^file_template/d' retort.conf
	printf 'file_template = "%s";\n' "$1" >>retort.conf
}

scripts() { (cd migrations/versions && ls -A | grep -v '^\.retort-cache$' | tr '\n' ' ' | sed 's/ $//'); }

# refused TEMPLATE MESSAGE DESC: revision exits 2 naming retort.conf:7 and MESSAGE, and writes nothing
refused() {
	local before
	before=$(scripts)
	set_template "$1"
	expect_rc 2 "$3: exit 2" revision -m "some change"
	expect_in "$ERR" "retort: error: retort.conf:7: file_template" "$3: file:line of file_template"
	expect_in "$ERR" "$2" "$3: says why"
	expect_eq "$(scripts)" "$before" "$3: nothing written"
}

scenario_file_template() {
	new_project || { failed "project"; return; }
	# the form of Alembic's guides (issue 17: written literally before)
	set_template '%(year)d%(month).2d%(day).2d_%(hour).2d%(minute).2d_%(rev)s_%(slug)s'
	expect_rc 0 "revision with Alembic's date tokens" revision -m "Add account" --rev-id a1
	local f
	f=$(scripts)
	if [[ $f =~ ^$(date -u +%Y)[01][0-9][0-3][0-9]_[0-2][0-9][0-5][0-9]_a1_add_account\.conf$ ]]; then
		pass "file named by the tokens ($f)"
	else
		failed "file named by the tokens: got '$f'"
	fi
	expect_rc 0 "the script reads back" heads
	expect_eq "$OUT" "a1 (head)" "heads lists it"
	# more of Python's conversions
	set_template '%(rev)s_%(month)d_%(day)02d_%(slug).4s_%%'
	expect_rc 0 "unpadded, zero-padded, cut, %%" revision -m "second change" --rev-id b2
	if ls migrations/versions | grep -Eq '^b2_([1-9]|1[0-2])_[0-3][0-9]_seco_%\.conf$'; then
		pass "%(month)d %(day)02d %(slug).4s %%"
	else
		failed "%(month)d %(day)02d %(slug).4s %%: $(scripts)"
	fi
	# errors with file:line, nothing written
	refused '%(rev)s_%(yaer)d' "unknown token %(yaer)" "unknown token"
	refused '%(rev)d' "bad conversion '%(rev)d'" "a number conversion of text"
	refused '%(month)x' "bad conversion '%(month)x'" "an unsupported conversion"
	refused '%%(year)d_%(rev)s' "alembic.ini doubles" "alembic.ini's %%"
	refused '50%_%(rev)s' "a '%' must start a token" "a lone %"
}

scenario_file_name_stays_inside() {
	new_project || { failed "project"; return; }
	mkdir -p "$P/sub/deeper" && cd "$P/sub/deeper" && mv "$P/retort.conf" . && mv "$P/migrations" . || {
		failed "layout"
		return
	}
	P=$PWD
	# issue 18: a template that leaves the versions folder, or writes a hidden file
	refused '../../x_%(rev)s' "cannot hold '/'" "a path out of the folder"
	check "nothing written above the versions folder" test -z "$(ls "$P"/x_* "$P"/../x_* "$P"/migrations/x_* 2>/dev/null)"
	refused 'sub/%(rev)s' "cannot hold '/'" "a sub-folder"
	refused '' "an empty file name" "an empty template"
	refused '.%(rev)s' "hidden file name" "a hidden name"
	set_template '%(rev)s_%(slug)s'
	expect_rc 2 "an id giving a hidden name" revision -m x --rev-id .dot
	expect_in "$ERR" "hidden file name '.dot_x'" "the hidden name is named"
	expect_eq "$(scripts)" "" "nothing written for it"
	# -n: the overlay's file_template is the line named
	printf 'staging = {\n  file_template = "../%%(rev)s";\n};\n' >>retort.conf
	expect_rc 2 "overlay template refused" -n staging revision -m x
	expect_in "$ERR" "retort.conf:9: file_template" "the overlay's line is named"
}

scenario_slug() {
	new_project || { failed "project"; return; }
	expect_rc 0 "non-ASCII message" revision -m "ünïcödé Straße Æon" --rev-id u1
	expect_eq "$(scripts)" "u1_unicode_strasse_aeon.conf" "Latin letters written without their marks"
	expect_rc 0 "show it" show u1
	expect_in "$OUT" "ünïcödé Straße Æon" "the message itself is kept whole"
}

scenario_merge_and_json() {
	new_project || { failed "project"; return; }
	expect_rc 0 "first base" revision -m one --rev-id r1 --head base
	expect_rc 0 "second base" revision -m two --rev-id r2 --head base
	expect_rc 2 "revision on two heads" revision -m three
	expect_in "$ERR" "Multiple heads are present" "says why"
	expect_rc 2 "merge of one head" merge -m m r1
	expect_rc 0 "merge heads --json" --json merge -m "join both" --rev-id m3 heads
	expect_eq "$OUT" "{\"revision\": \"m3\", \"path\": \"$P/migrations/versions/m3_join_both.conf\"}" "--json names the id and the file"
	expect_in "$(cat migrations/versions/m3_join_both.conf)" 'down_revision = [ "r1", "r2" ];' "both parents written"
	expect_rc 0 "sql format, depends_on by prefix" revision -m four --rev-id s4 --format sql --depends-on r1
	expect_in "$(cat migrations/versions/s4_four.sql)" "-- retort:depends_on r1" "depends_on written"
	expect_in "$(cat migrations/versions/s4_four.sql)" "-- retort:down_revision m3" "parent is the head"
	expect_rc 0 "heads" heads
	expect_eq "$OUT" "s4 (head)" "the scripts make one graph"
}

scenario_init_template() {
	new_db || { failed "database"; return; }
	mkdir -p "$T_ROOT/init_$DB_SEQ" && cd "$T_ROOT/init_$DB_SEQ" || return
	expect_rc 0 "init" init proj
	check "init wrote the built-in template" grep -q '{{down_revision}}' proj/template.conf
	expect_rc 0 "revision from init's template" -q revision -m "from init" --rev-id i1
	check "file written" test -f proj/versions/i1_from_init.conf
	expect_eq "$ERR" "" "-q: no progress line"
}

# revision and merge write files only: one dialect is enough
RETORT_TEST_DIALECTS=sqlite for_each_dialect scenario_file_template
RETORT_TEST_DIALECTS=sqlite for_each_dialect scenario_file_name_stays_inside
RETORT_TEST_DIALECTS=sqlite for_each_dialect scenario_slug
RETORT_TEST_DIALECTS=sqlite for_each_dialect scenario_merge_and_json
RETORT_TEST_DIALECTS=sqlite for_each_dialect scenario_init_template
finish
