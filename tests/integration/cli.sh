#!/usr/bin/env bash
# The command line itself: one table of commands (every --help, extra
# arguments refused, docs that agree), the library reporting through the
# CLI, `edit`'s editor, `plugins` anywhere, `log`, `repair --checksums`,
# output errors, JSON with bytes that are not UTF-8, empty targets.
. "$top_srcdir/tests/lib/common.sh"

MAN="$top_srcdir/docs/retort.1"
# the man page as plain words: \- is -, \fB and friends gone
man_text() { sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\(dq/"/g' "$MAN"; }

# the commands `retort --help` lists
help_commands() { "$RETORT" --help | sed -n 's/^  retort \([a-z]*\).*/\1/p'; }

scenario_help() {
	local cmd opt
	expect_rc 0 "retort --help" --help
	local all=$OUT cmds
	cmds=$(help_commands)
	expect_in "$cmds" "log" "--help lists log"
	for cmd in $cmds; do
		expect_rc 0 "$cmd --help exits 0" "$cmd" --help
		expect_in "$OUT" "usage: retort $cmd" "$cmd --help: usage line"
		expect_in "$OUT" "example:" "$cmd --help: an example"
		expect_in "$OUT" "-h, --help" "$cmd --help: its options"
		# every option it shows exists in retort --help and in retort(1)
		for opt in $(echo "$OUT" | sed -n 's/^  \(-[a-z], \)\{0,1\}\(--[a-z-]*\).*/\2/p' | grep -v '^--help$'); do
			expect_in "$all" "$opt" "$cmd: $opt is in retort --help"
			expect_in "$(man_text)" "$opt" "$cmd: $opt is in retort(1)"
		done
		# the example runs the command it documents, and retort(1) shows it
		local ex
		ex=$(echo "$OUT" | sed -n '/^example:/{n;s/^ *//;p}')
		expect_in "$ex" "retort $cmd" "$cmd --help: the example is of $cmd"
		expect_in "$(man_text)" "$ex" "$cmd --help: retort(1) has the same example"
		# retort(1) has a section for it
		if man_text | grep -q "^\.SS \"\{0,1\}$cmd\b"; then pass "$cmd has a section in retort(1)"; else failed "$cmd has a section in retort(1)"; fi
	done
	# and every command of retort(1) is known
	for cmd in $(man_text | sed -n '/^\.SH COMMANDS/,/^\.SH TARGETS/s/^\.SS "\{0,1\}\([a-z]*\).*/\1/p'); do
		expect_in "$cmds" "$cmd" "retort(1)'s $cmd is in retort --help"
	done
	# the --json lists of retort --help, retort(1) and README name the same commands
	local code_json man_json readme_json
	code_json=$(echo "$all" | sed -n 's/.*--json.*(\(.*\)).*/\1/p' | tr -d ',' | tr ' ' '\n' | sort | tr '\n' ' ')
	man_json=$(man_text | sed -n '/^\.B --json$/,/^\.TP/p' | sed -n 's/^\.BR* \([a-z][a-z]*\).*/\1/p' | sort -u | tr '\n' ' ')
	readme_json=$(tr '\n' ' ' <"$top_srcdir/README.md" | sed -n 's/.*`--json` gives machine output for `\([a-z ]*\)`.*/\1/p' | tr ' ' '\n' | sort | tr '\n' ' ')
	expect_eq "$man_json" "$code_json" "retort(1)'s --json list is the code's"
	expect_eq "$readme_json" "$code_json" "README's --json list is the code's"
}

scenario_args() {
	new_project || { failed "database"; return; }
	table_rev a ""
	expect_rc 2 "heads with an extra argument" heads extra
	expect_in "$ERR" "extra" "the extra argument is named"
	expect_rc 2 "current with an extra argument" current x
	expect_rc 2 "show with two revisions" show a a
	expect_rc 2 "upgrade with two targets" upgrade head a
	expect_rc 2 "an unknown option" heads --nope
	expect_rc 2 "--json where there is no machine output" --json upgrade head
	expect_rc 2 "log -n 0" log -n 0
	local t
	for t in upgrade downgrade stamp; do
		expect_rc 2 "$t '' is bad input" "$t" ''
		expect_in "$ERR" "empty" "$t '': says the target is empty"
	done
	expect_rc 2 "stamp a '' is bad input" stamp a ''
	expect_eq "$(tables | tr '\n' ' ')" "" "nothing was written"
}

# the library prints nothing itself: progress and warnings come through the CLI's callback
scenario_report() {
	if grep -nE '(^|[^_a-z])(v?f?printf|f?puts|putchar|fputc|fwrite|perror) *\((stdout|stderr|"|[a-z_]+, *"|\(stdout|\(stderr)' \
		"$top_srcdir"/core/lib/*.c | grep -vE 'sql_out|snprintf|rt_buf_' >"$T_ROOT/prints"; then
		failed "core/lib prints nothing itself"
		sed 's/^/#   /' "$T_ROOT/prints"
	else
		pass "core/lib prints nothing itself"
	fi
	if grep -n 'stderr\|stdout' "$top_srcdir"/core/lib/*.c | grep -v 'sql_out' >"$T_ROOT/prints"; then
		failed "core/lib names no standard stream (but the offline SQL's)"
		sed 's/^/#   /' "$T_ROOT/prints"
	else
		pass "core/lib names no standard stream (but the offline SQL's)"
	fi
	new_project || { failed "database"; return; }
	table_rev a ""
	echo "plugins = ( { module = \"$RETORT_TEST_PLUGIN_DIR/good_notify.la\"; path = \"/nonexistent/dir/x\"; } );" >>retort.conf
	expect_rc 0 "upgrade with a failing hook" upgrade head
	expect_in "$ERR" "Running upgrade  -> a" "progress on standard error"
	expect_in "$ERR" "retort: warning: hook on" "the hook's failure as a warning"
	expect_eq "$OUT" "" "nothing on standard output"
	expect_rc 0 "downgrade -q" -q downgrade base
	expect_not_in "$ERR" "Running" "-q silences progress"
}

scenario_edit() {
	new_project || { failed "database"; return; }
	table_rev a ""
	local bin=$T_ROOT/bin_$DB_SEQ
	mkdir -p "$bin"
	printf '#!/bin/sh\necho "# by $(basename "$0")" >>"$1"\n' >"$bin/editor"
	cp "$bin/editor" "$bin/vi"
	cp "$bin/editor" "$bin/visual-ed"
	chmod +x "$bin"/*
	(unset EDITOR; VISUAL="$bin/visual-ed" "$RETORT" edit a) >/dev/null 2>&1
	expect_in "$(cat migrations/versions/a.conf)" "# by visual-ed" "edit runs \$VISUAL"
	(VISUAL="$bin/visual-ed" EDITOR=false "$RETORT" edit a) >/dev/null 2>&1
	check "\$VISUAL before \$EDITOR (as git)" test "$(grep -c 'by visual-ed' migrations/versions/a.conf)" = 2
	(unset VISUAL EDITOR; PATH="$bin:$PATH" "$RETORT" edit a) >"$T_ROOT/edit.out" 2>&1
	expect_eq "$?" "0" "no \$VISUAL nor \$EDITOR: edit still runs"
	expect_in "$(cat migrations/versions/a.conf)" "# by editor" "then editor"
	rm "$bin/editor"
	(unset VISUAL EDITOR; PATH="$bin:/nonexistent" "$RETORT" edit a) >/dev/null 2>&1
	expect_in "$(cat migrations/versions/a.conf)" "# by vi" "then vi"
}

scenario_plugins() {
	local d=$T_ROOT/noproject_$$
	mkdir -p "$d" && cd "$d" || return
	expect_rc 0 "plugins outside a project" plugins
	expect_in "$OUT" "sqlite" "lists what the search path finds"
	expect_in "$OUT" "ABI 1" "with the ABI"
	expect_rc 0 "plugins --json outside a project" --json plugins
	if echo "$OUT" | PYTHONIOENCODING=utf-8:strict python3 -m json.tool >/dev/null; then pass "valid JSON"; else failed "valid JSON"; fi
	new_project || { failed "database"; return; }
	table_rev a ""
	cp retort.conf retort.conf.good
	echo "plugins = ( { module = \"jsonlog\"; path = \"log.json\"; }, { module = \"$RETORT_TEST_PLUGIN_DIR/bad_abi.la\"; }, { module = \"convention\"; } );" >>retort.conf
	expect_rc 1 "a declared plugin that does not load: exit 1" plugins
	expect_in "$OUT" "bad_abi" "the failing module is listed"
	expect_in "$OUT" "built for plugin ABI" "with its error"
	expect_in "$OUT" "convention" "the declarations after it are listed"
	expect_in "$OUT" "postgresql" "and the modules found"
	expect_in "$ERR" "did not load" "the failure is said"
	expect_eq "$(echo "$OUT" | grep -c '^jsonlog ')" "1" "each module once (jsonlog declared and found)"
	expect_eq "$(echo "$OUT" | grep -c '^convention ')" "1" "each module once (convention)"
	# columns aligned: the kind column starts at the same place on every line
	expect_eq "$(echo "$OUT" | awk '{ print match($0, / (declared|found)  /) }' | sort -u | wc -l | tr -d ' ')" "1" "columns aligned"
	expect_rc 1 "plugins --json with a failing module" --json plugins
	if echo "$OUT" | PYTHONIOENCODING=utf-8:strict python3 -m json.tool >/dev/null; then pass "valid JSON"; else failed "valid JSON"; fi
	expect_in "$OUT" '"error": "' "the JSON carries the error"
	cp retort.conf.good retort.conf
}

# a revision failing on its second statement, after a and b
log_project() {
	new_project || return 1
	table_rev a ""
	table_rev b a
	rev c b "breaks" '{ op = "execute"; sql = "THIS IS NOT SQL"; }' '{ op = "execute"; sql = "SELECT 1"; }'
}

scenario_log() {
	log_project || { failed "database"; return; }
	expect_rc 0 "log before any table" log
	expect_eq "$OUT" "" "no rows yet"
	expect_rc 0 "upgrade b" upgrade b
	expect_rc 1 "upgrade c fails" upgrade c
	expect_rc 0 "log" log
	expect_eq "$(echo "$OUT" | wc -l | tr -d ' ')" "3" "three rows"
	expect_eq "$(echo "$OUT" | awk '{ print $5 }' | tr '\n' ' ')" "c b a " "newest first"
	expect_in "$(echo "$OUT" | head -1)" "upgrade" "the direction"
	expect_in "$(echo "$OUT" | head -1)" "failed" "the outcome"
	expect_in "$(echo "$OUT" | head -1)" "$(id -un)@" "who and where"
	expect_in "$(echo "$OUT" | sed -n 2p)" " ms)" "the duration"
	expect_in "$(echo "$OUT" | head -1)" "THIS IS NOT SQL" "the error's first line"
	expect_rc 0 "log --outcome failed" log --outcome failed
	expect_eq "$(echo "$OUT" | awk '{ print $5 }' | tr '\n' ' ')" "c " "only the failed row"
	expect_rc 0 "log --outcome ok -n 1" log --outcome ok -n 1
	expect_eq "$(echo "$OUT" | awk '{ print $5 }' | tr '\n' ' ')" "b " "the newest ok row"
	expect_rc 0 "log -r a" log -r a
	expect_eq "$(echo "$OUT" | awk '{ print $5 }' | tr '\n' ' ')" "a " "the rows of a"
	expect_rc 0 "log --rev \"it's\" (a quote in a literal)" log --rev "it's"
	expect_eq "$OUT" "" "no such rows"
	expect_rc 2 "log --outcome bogus" log --outcome bogus
	expect_rc 0 "log --json" --json log
	if echo "$OUT" | PYTHONIOENCODING=utf-8:strict python3 -m json.tool >/dev/null; then pass "log --json is valid JSON"; else failed "log --json is valid JSON"; fi
	expect_eq "$(echo "$OUT" | python3 -c 'import json,sys; d=json.load(sys.stdin)["log"]; print(" ".join(r["revision"]+":"+r["outcome"]+":"+r["direction"] for r in d), type(d[1]["duration_ms"]).__name__)')" \
		"c:failed:upgrade b:ok:upgrade a:ok:upgrade int" "JSON rows, newest first, duration a number"
	expect_eq "$(versions)" "b" "log changed nothing"
}

scenario_repair_checksums() {
	new_project || { failed "database"; return; }
	table_rev a ""
	table_rev b a
	expect_rc 0 "upgrade" upgrade head
	echo "# a reviewed edit" >>migrations/versions/b.conf
	expect_rc 1 "validate fails on the edit" validate
	expect_rc 2 "repair --checksums of an unedited revision" repair --checksums a
	expect_rc 2 "repair with a revision but no --checksums" repair b
	expect_rc 0 "repair --checksums b" repair --checksums b
	expect_in "$ERR" "Accepted the edited script of b" "says what it accepted"
	expect_rc 0 "validate passes after" validate
	expect_rc 0 "log shows the repaired row" log -n 1
	expect_in "$OUT" "repaired" "a repaired row"
	expect_eq "$(dbq "SELECT count(*) FROM retort_history WHERE outcome = 'repaired' AND checksum IS NOT NULL")" "1" "with the new checksum"
	echo "# another" >>migrations/versions/a.conf
	echo "# and another" >>migrations/versions/b.conf
	expect_rc 1 "validate fails on two edits" validate
	expect_rc 0 "repair --checksums (all)" repair --checksums
	expect_rc 0 "validate passes" validate
	expect_rc 0 "repair --checksums with nothing to accept" repair --checksums
	expect_in "$ERR" "Nothing to accept" "says so"
	expect_eq "$(versions)" "b" "the version table is untouched"
	expect_rc 0 "downgrade and upgrade still run" downgrade base
	expect_rc 0 "upgrade" upgrade head
	expect_rc 0 "validate" validate
}

scenario_output_errors() {
	new_project || { failed "database"; return; }
	table_rev a ""
	if [ -w /dev/full ]; then
		rt heads >/dev/full 2>"$T_ROOT/err"
		expect_eq "$?" "1" "heads > /dev/full exits 1"
		expect_in "$(cat "$T_ROOT/err")" "standard output" "and says why"
		rt --help >/dev/full 2>/dev/null
		expect_eq "$?" "1" "--help > /dev/full exits 1"
	fi
	rt heads >&- 2>"$T_ROOT/err"
	expect_eq "$?" "1" "heads with standard output closed exits 1"
	expect_in "$(cat "$T_ROOT/err")" "standard output" "and says why"
	rt upgrade head >&- 2>/dev/null
	expect_eq "$(versions)" "a" "a closed standard output does not get the database's file descriptor"
	rt heads >"$T_ROOT/ok.out" 2>&1
	expect_eq "$?" "0" "heads to a file exits 0"
}

scenario_json_bytes() {
	new_project || { failed "database"; return; }
	rev a "" "$(printf 'caf\xe9 \xff end \xc3\xa9t\xc3\xa9')" \
		'{ op = "create_table"; table = "t"; columns = ( { name = "id"; type = "integer"; }); }' '{ op = "drop_table"; table = "t"; }'
	mv migrations/versions/a.conf "migrations/versions/$(printf 'a\xfe').conf"
	local cmd
	for cmd in history heads show; do
		if [ $cmd = show ]; then rt --json show a >"$T_ROOT/j" 2>/dev/null; else rt --json $cmd >"$T_ROOT/j" 2>/dev/null; fi
		if PYTHONIOENCODING=utf-8:strict python3 -m json.tool <"$T_ROOT/j" >/dev/null 2>&1; then pass "$cmd --json with bytes that are not UTF-8 is valid JSON"; else
			failed "$cmd --json with bytes that are not UTF-8 is valid JSON"
			head -c 300 "$T_ROOT/j" | od -c | head -5 | sed 's/^/#   /'
		fi
	done
	expect_eq "$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["revisions"][0]; print(r["message"]); print(r["path"].rsplit("/",1)[1])' "$T_ROOT/j")" \
		"$(printf 'caf\xef\xbf\xbd \xef\xbf\xbd end \xc3\xa9t\xc3\xa9\na\xef\xbf\xbd.conf')" "each invalid byte is U+FFFD, valid UTF-8 kept"
}

RETORT_TEST_DIALECTS=sqlite for_each_dialect scenario_help
RETORT_TEST_DIALECTS=sqlite for_each_dialect scenario_report
RETORT_TEST_DIALECTS=sqlite for_each_dialect scenario_edit
RETORT_TEST_DIALECTS=sqlite for_each_dialect scenario_plugins
RETORT_TEST_DIALECTS=sqlite for_each_dialect scenario_output_errors
RETORT_TEST_DIALECTS=sqlite for_each_dialect scenario_json_bytes
for_each_dialect scenario_args
for_each_dialect scenario_log
for_each_dialect scenario_repair_checksums
finish
