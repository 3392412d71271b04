#!/usr/bin/env bash
# Plugin loading: refusals with clear messages (exit 2, nothing
# half-loaded, database untouched), and `retort plugins`.
. "$top_srcdir/tests/lib/common.sh"
: "${RETORT_TEST_PLUGIN_DIR:?}"

scenario_plugins() {
	new_project || { failed "database"; return; }
	table_rev a ""
	cp retort.conf retort.conf.good
	local bad
	for bad in bad_abi:"built for plugin ABI" bad_noentry:"no symbol retort_plugin_entry" \
		bad_small:"descriptor too small" bad_kind:"unknown kind" bad_nomethod:"'connect' is missing" \
		bad_initfail:"init failed on purpose"; do
		local mod=${bad%%:*} want=${bad#*:}
		cp retort.conf.good retort.conf
		echo "plugins = ( { module = \"$RETORT_TEST_PLUGIN_DIR/$mod.la\"; } );" >>retort.conf
		expect_rc 2 "$mod is refused" upgrade head
		expect_in "$ERR" "$want" "$mod: clear message"
		expect_in "$ERR" "retort.conf:7" "$mod: the declaration's file and line"
	done
	expect_eq "$(tables | tr '\n' ' ')" "" "refused plugins left the database untouched"
	cp retort.conf.good retort.conf
	echo 'plugins = ( { module = "no_such_plugin_xyz"; } );' >>retort.conf
	expect_rc 2 "a missing plugin is refused" heads
	expect_in "$ERR" "no_such_plugin_xyz" "the missing plugin is named"
	cp retort.conf.good retort.conf
	expect_rc 0 "plugins lists what it finds" plugins
	expect_in "$OUT" "sqlite" "the sqlite dialect is listed"
	expect_in "$OUT" "ABI 1" "with its ABI"
	expect_rc 0 "plugins --json" --json plugins
	expect_in "$OUT" '"kind": "dialect"' "JSON lists kinds"
	cp retort.conf.good retort.conf
	echo "plugins = ( { module = \"$RETORT_TEST_PLUGIN_DIR/good_notify.la\"; path = \"events.txt\"; events = [ \"migrate.*\", \"revision.after\" ]; } );" >>retort.conf
	expect_rc 0 "upgrade with a notify hook" upgrade head
	expect_eq "$(tr '\n' ' ' <events.txt)" "migrate.before revision.after migrate.after " "events filtered by glob, in order"
}

# retort-plugin(7): validate.mismatch fires once per edited script
scenario_validate_event() {
	new_project || { failed "database"; return; }
	table_rev a ""
	table_rev b a
	echo "plugins = ( { module = \"$RETORT_TEST_PLUGIN_DIR/good_notify.la\"; path = \"events.txt\"; events = [ \"validate.*\" ]; } );" >>retort.conf
	expect_rc 0 "upgrade" upgrade head
	expect_rc 0 "validate with unchanged scripts" validate
	expect_eq "$(cat events.txt 2>/dev/null)" "" "no event while the scripts match"
	echo "# edited" >>migrations/versions/a.conf
	echo "# edited" >>migrations/versions/b.conf
	expect_rc 1 "validate finds the edits" validate
	expect_eq "$(tr '\n' ' ' <events.txt)" "validate.mismatch validate.mismatch " "validate.mismatch reaches the hook once per edited script"
}

scenario_naming() {
	new_project || { failed "database"; return; }
	rev a "" "unnamed index" \
		'{ op = "create_table"; table = "account"; columns = ( { name = "id"; type = "integer"; primary_key = true; }, { name = "email"; type = "varchar(100)"; } ); },
		 { op = "create_index"; table = "account"; columns = [ "email" ]; unique = true; }' \
		'{ op = "drop_table"; table = "account"; }'
	expect_rc 2 "an unnamed index without a naming policy is refused" upgrade head
	expect_in "$ERR" "a.conf" "the refusal names the script"
	expect_in "$ERR" "no naming policy" "the refusal says why"
	expect_eq "$(tables | tr '\n' ' ')" "" "nothing ran"
	echo 'plugins = ( { module = "convention"; ix = "ix_%(column_0_label)s"; } );' >>retort.conf
	expect_rc 0 "the convention plugin names it" upgrade head
	case $D in
	sqlite) expect_eq "$(dbq "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'account' AND name NOT LIKE 'sqlite_%'")" \
		"ix_account_email" "index named from the template" ;;
	esac
	expect_rc 0 "offline SQL uses the same name" upgrade base:head --sql
	expect_in "$OUT" "ix_account_email" "offline name"
}

scenario_lint() {
	new_project || { failed "database"; return; }
	rev a "" "indexes" \
		'{ op = "create_table"; table = "account"; columns = ( { name = "id"; type = "integer"; primary_key = true; }, { name = "email"; type = "varchar(100)"; } ); },
		 { op = "create_index"; name = "idx_email"; table = "account"; columns = [ "email" ]; }' \
		'{ op = "drop_table"; table = "account"; }'
	expect_rc 0 "lint without a policy checks nothing" lint
	expect_in "$ERR" "no policy plugin" "and says so"
	echo 'plugins = ( { module = "convention"; ix = "ix_%(column_0_label)s"; } );' >>retort.conf
	expect_rc 1 "lint finds a name off the convention" lint
	expect_in "$OUT" "idx_email" "the offending name"
	expect_in "$OUT" "ix_account_email" "the expected name"
	expect_in "$OUT" "a.conf" "the script"
	expect_rc 1 "lint --json" --json lint a
	expect_in "$OUT" '"rule": "naming"' "JSON violation"
	sed -i 's/idx_email/ix_account_email/' migrations/versions/a.conf
	expect_rc 0 "lint passes once the name follows the convention" lint
	expect_eq "$(tables | tr '\n' ' ')" "" "lint touched no database"
}

scenario_edit() {
	new_project || { failed "database"; return; }
	table_rev a ""
	EDITOR="sed -i s/create/CREATE/" expect_rc 0 "edit runs \$EDITOR on the script" edit a
	expect_in "$(cat migrations/versions/a.conf)" "CREATE t_a" "the editor changed the file"
	EDITOR=false expect_rc 1 "a failing editor fails the command" edit a
	expect_rc 2 "edit of an unknown revision" edit nosuchrev
}

RETORT_TEST_DIALECTS=${RETORT_TEST_DIALECTS:-sqlite}
for_each_dialect scenario_plugins
for_each_dialect scenario_validate_event
for_each_dialect scenario_naming
for_each_dialect scenario_edit
for_each_dialect scenario_lint
finish
