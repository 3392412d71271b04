#!/usr/bin/env bash
# The sqlformat formatter: idempotent over every script of examples/ and the
# script fixtures (tests/fuzz/corpora/script: the named ones), literals,
# comments and $$ bodies byte for byte, the rewrite atomic with the file's
# mode kept, a formatted project still loads and migrates, and `revision`
# runs it on what it writes.
. "$top_srcdir/tests/lib/common.sh"

FMTRUN=$top_builddir/hooks/sqlformat/fmtrun
MOD=$top_builddir/hooks/sqlformat.la
fmt() { "$FMTRUN" "$MOD" "$@"; }

scenario_idempotent() {
	local d=$T_ROOT/idem f n=0 bad=""
	mkdir -p "$d"
	for f in "$top_srcdir"/examples/project/migrations/versions/*.conf "$top_srcdir"/examples/project/retort.conf \
		"$top_srcdir"/etc/retort.conf.sample; do
		cp "$f" "$d/ex_$(basename "$f" .sample)"
	done
	for f in allops conf0 conf1; do cp "$top_srcdir/tests/fuzz/corpora/script/$f" "$d/fx_$f.conf"; done
	for f in sqlscript sql2 sql3; do cp "$top_srcdir/tests/fuzz/corpora/script/$f" "$d/fx_$f.sql"; done
	cd "$d" || return
	if fmt ./*.conf ./*.sql; then pass "sqlformat formats every example and fixture"; else failed "sqlformat formats every example and fixture"; fi
	mkdir once && cp ./*.conf ./*.sql once/
	fmt ./*.conf ./*.sql
	for f in ./*.conf ./*.sql; do
		n=$((n + 1))
		cmp -s "$f" "once/$f" || bad="$bad $f"
	done
	expect_eq "$bad" "" "formatting twice changes nothing ($n files)"
	# every comment line of the sample config is still there
	local missing
	missing=$(grep -o '#.*' "$top_srcdir/etc/retort.conf.sample" | sed 's/[[:space:]]*$//' | while IFS= read -r c; do
		grep -qF -- "$c" ex_retort.conf || echo "$c"
	done)
	expect_eq "$missing" "" "every comment of retort.conf.sample survives"
	[ "$(grep -c '^  {$' ex_0001_create_org_and_account.conf)" -gt 0 ] && pass "a long group goes one member a line" ||
		failed "a long group goes one member a line"
	expect_in "$(cat ex_0001_create_org_and_account.conf)" '      { name = "id"; type = "bigint"; primary_key = true; autoincrement = true; },' \
		"a short group stays on one line"
}

scenario_tricky_sql() {
	local d=$T_ROOT/tricky
	mkdir -p "$d" && cd "$d" || return
	cat >t.sql <<'SQL'
-- retort:revision aa01
-- retort:message tricky  
-- retort:upgrade
create table select_log (id integer primary key, note varchar(50) default 'select from where; drop table x') ;   -- a comment: select from
insert into select_log (id, note) values (1, 'it''s a ''quoted'' -- not a comment'), (2, E'back\\slash \' and from');
/* block comment: create table nope; */ create index ix_note on select_log (note);
create function f() returns integer as $$
  select 1; -- inner: from where
$$ language sql;
create function g() returns text as $body$ begin return 'select'; end $body$ language plpgsql;
update "Select Log" set `from` = "Where" where id = 1;
-- retort:downgrade
drop table select_log;
SQL
	cp t.sql orig.sql
	chmod 640 t.sql
	local ino0 ino1 ino2 out
	ino0=$(stat -c %i t.sql)
	if fmt t.sql; then pass "formats a .sql script with tricky parts"; else failed "formats a .sql script with tricky parts"; fi
	out=$(cat t.sql)
	expect_in "$out" "CREATE TABLE select_log (id INTEGER PRIMARY KEY, note VARCHAR(50) DEFAULT 'select from where; drop table x')" \
		"keywords upper case, the string untouched"
	expect_in "$out" "-- a comment: select from" "a trailing comment untouched"
	expect_in "$out" "'it''s a ''quoted'' -- not a comment'" "a string with doubled quotes and -- untouched"
	expect_in "$out" "E'back\\\\slash \\' and from'" "an escape string untouched"
	expect_in "$out" "/* block comment: create table nope; */ CREATE INDEX ix_note ON select_log (note);" "a block comment untouched"
	expect_in "$out" 'AS $$
  select 1; -- inner: from where
$$ language sql;' "a \$\$ body untouched (and not split at its ;)"
	expect_in "$out" "\$body\$ begin return 'select'; end \$body\$" "a \$tag\$ body untouched"
	expect_in "$out" 'UPDATE "Select Log" SET `from` = "Where" WHERE id = 1;' "quoted identifiers untouched"
	expect_in "$out" "-- retort:message tricky  " "header comments untouched (trailing spaces too)"
	expect_in "$out" "-- retort:upgrade
CREATE TABLE" "a comment stays attached to its statement"
	expect_in "$out" "INSERT INTO select_log (id, note) VALUES (1, 'it''s a ''quoted'' -- not a comment'), (2, E'back\\\\slash \\' and from');

/* block" "one statement per paragraph"
	expect_eq "$(grep -c '^$' t.sql)" 6 "a blank line between statements, none elsewhere"
	expect_eq "$(stat -c %a t.sql)" 640 "the file's mode is kept"
	ino1=$(stat -c %i t.sql)
	[ "$ino0" != "$ino1" ] && pass "rewritten by a rename (new inode)" || failed "rewritten by a rename (new inode)"
	cp t.sql once.sql
	fmt t.sql
	ino2=$(stat -c %i t.sql)
	expect_eq "$(cmp t.sql once.sql && echo same)" same "formatting twice changes nothing"
	expect_eq "$ino2" "$ino1" "an unchanged file is not rewritten"
	expect_eq "$(ls -A | sort | tr '\n' ' ')" "once.sql orig.sql t.sql " "no temporary file left behind"
	# the statements are the same ones, token for token, case aside
	expect_eq "$(tr -s ' \n' '  ' <t.sql | tr a-z A-Z)" "$(tr -s ' \n' '  ' <orig.sql | tr a-z A-Z)" \
		"nothing but case and white space changed"
}

scenario_tricky_conf() {
	local d=$T_ROOT/tconf out
	mkdir -p "$d" && cd "$d" || return
	cat >t.conf <<'CONF'
# header comment
revision="aa02" ; down_revision : "aa01",
message = "tricky" "joined";   # trailing
/* block
   comment */
upgrade = ( { op = "execute"; sql = "select 'a;b' -- not a comment
  from x"; },   // after the first
  # own line
  { op="create_table"; table="t"; columns=( {name="id";type="integer";primary_key=true;} ); }
);
downgrade = ( { op = "drop_table"; table = "t"; } );
numbers = [ 0x1F, 1.5e3, -2, 9223372036854775807L ];
CONF
	fmt t.conf || failed "formats a .conf with comments"
	out=$(cat t.conf)
	expect_in "$out" "# header comment" "a leading comment kept"
	expect_in "$out" 'message = "tricky" "joined"; # trailing' "a trailing comment kept on its line, adjacent strings kept"
	expect_in "$out" "/* block
   comment */" "a block comment kept byte for byte"
	expect_in "$out" 'sql = "select '"'"'a;b'"'"' -- not a comment
  from x";' "a string with a newline untouched"
	expect_in "$out" "}, // after the first" "a // comment after an element"
	expect_in "$out" "  # own line" "an own-line comment, indented"
	expect_in "$out" 'down_revision = "aa01";' "':' and ',' become '=' and ';'"
	expect_in "$out" 'numbers = [ 0x1F, 1.5e3, -2, 9223372036854775807L ];' "numbers byte for byte"
	cp t.conf once.conf
	fmt t.conf
	expect_eq "$(cmp t.conf once.conf && echo same)" same "formatting twice changes nothing"
	printf 'revision = "x";\nupgrade = ( { op = "x" ' >bad.conf
	run_fmt_bad=$("$FMTRUN" "$MOD" bad.conf 2>&1)
	expect_in "$run_fmt_bad" "bad.conf:" "a file it cannot read is refused, naming it"
}

# a formatted project loads and migrates; revision runs the formatter
scenario_migrates() {
	new_db || { failed "database"; return; }
	cp -r "$top_srcdir/examples/project" "$T_ROOT/project_$D"
	cd "$T_ROOT/project_$D" || return
	export DATABASE_URL=$URL
	fmt migrations/versions/*.conf || failed "format the example"
	expect_rc 0 "the formatted example's heads" heads
	expect_eq "$OUT" "0004 (head)" "one head"
	expect_rc 0 "the formatted example upgrades" upgrade head
	expect_eq "$(versions)" "0004" "at head"
	expect_rc 0 "and downgrades" downgrade base
	expect_eq "$(versions)" "" "at base"
	echo 'plugins = ( { module = "sqlformat"; } );' >>retort.conf
	expect_rc 0 "revision with sqlformat" revision -m "formatted" --rev-id f0001
	local f
	f=$(ls migrations/versions/f0001*)
	cp "$f" w.conf
	fmt w.conf
	expect_eq "$(cmp "$f" w.conf && echo same)" same "revision wrote it formatted"
	expect_rc 0 "revision --format sql with sqlformat" revision -m "formatted sql" --rev-id f0002 --format sql
	expect_rc 0 "the new revisions load" upgrade head
}

RETORT_TEST_DIALECTS=sqlite for_each_dialect scenario_idempotent
RETORT_TEST_DIALECTS=sqlite for_each_dialect scenario_tricky_sql
RETORT_TEST_DIALECTS=sqlite for_each_dialect scenario_tricky_conf
for_each_dialect scenario_migrates
finish
