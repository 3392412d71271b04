#!/usr/bin/env bash
# The plugin ABI keeps its word (retort-plugin(7), ABI POLICY):
#  - every installed header compiles alone as C99 (-pedantic -Werror -Wall
#    -Wextra) and as C++11 (-pedantic -Werror);
#  - a plugin written in C++ with RETORT_PLUGIN_DEFINE exports an
#    unmangled retort_plugin_entry, loads and receives events;
#  - a plugin built against the headers of retort 0.1.0 (the frozen copy
#    in tests/abi1/include) loads into this retort and reads every
#    operation of a script, stepping through the op, column, constraint,
#    foreign-key and value arrays with ITS sizeof, field for field.
. "$top_srcdir/tests/lib/common.sh"

ABI1_MODULE=$top_builddir/tests/abi1/abi1_policy.la
CC_=${CC:-cc}
CXX_=${CXX:-g++}
HEADERS="plugin types dialect naming formatter notify schema sdk version"

# header_compiles LANG COMPILER FLAGS...: each header alone (twice, for the
# include guard) in a translation unit of its own
headers_compile() {
	local lang=$1 cc=$2 h ok=1
	shift 2
	for h in $HEADERS; do
		printf '#include <retort/%s.h>\n#include <retort/%s.h>\nextern int retort_header_check_;\n' "$h" "$h" >"$T_ROOT/h.$lang"
		if ! $cc "$@" -I"$top_srcdir/include" -I"$top_builddir/include" -fsyntax-only -x "$lang" "$T_ROOT/h.$lang" \
			>"$T_ROOT/cc.log" 2>&1; then
			failed "<retort/$h.h> compiles alone as $lang ($*)"
			sed 's/^/#   /' "$T_ROOT/cc.log" | head -n 10
			ok=0
		fi
	done
	[ $ok = 1 ] && pass "every installed header compiles alone as $lang ($*)"
}

scenario_headers() {
	local n
	n=$(ls "$top_srcdir"/include/retort/*.h "$top_builddir"/include/retort/version.h | wc -l)
	expect_eq "$n" 9 "nine headers are installed (update HEADERS when one is added)"
	headers_compile c "$CC_" -std=c99 -pedantic -Werror -Wall -Wextra
	if command -v "$CXX_" >/dev/null 2>&1; then
		headers_compile c++ "$CXX_" -std=c++11 -pedantic -Werror -Wall -Wextra
	else
		echo "SKIPPED: no C++ compiler ($CXX_)"
		T_SKIP=$((T_SKIP + 1))
	fi
}

scenario_cxx_plugin() {
	command -v "$CXX_" >/dev/null 2>&1 || { echo "SKIPPED: no C++ compiler ($CXX_)"; return; }
	new_project || { failed "database"; return; }
	table_rev a ""
	local so=$T_ROOT/cxx_notify.so
	if "$CXX_" -std=c++11 -pedantic -Werror -Wall -Wextra -fPIC -shared -fvisibility=hidden -Wl,-z,defs \
		-I"$top_srcdir/include" -I"$top_builddir/include" -o "$so" "$top_srcdir/tests/plugins/cxx_notify.cpp" \
		>"$T_ROOT/cxx.log" 2>&1; then
		pass "a C++ plugin builds with -std=c++11 -pedantic -Werror"
	else
		failed "a C++ plugin builds with -std=c++11 -pedantic -Werror"
		sed 's/^/#   /' "$T_ROOT/cxx.log" | head -n 10
		return
	fi
	expect_eq "$(nm -D --defined-only "$so" | awk '$2 == "T" { print $3 }' | tr '\n' ' ')" "retort_plugin_entry " \
		"RETORT_PLUGIN_DEFINE gives C linkage in C++: only retort_plugin_entry, unmangled"
	echo "plugins = ( { module = \"$so\"; path = \"events.txt\"; events = [ \"migrate.*\" ]; } );" >>retort.conf
	expect_rc 0 "upgrade with the C++ hook" upgrade head
	expect_eq "$(tr '\n' ' ' <events.txt 2>/dev/null)" "migrate.before migrate.after " "the C++ hook received the events"
	expect_rc 0 "retort plugins lists it" plugins
	expect_in "$OUT" "cxx_notify" "listed by name"
}

scenario_abi1_plugin() {
	new_project || { failed "database"; return; }
	rev a "" "schema" \
		'{ op = "create_table"; table = "org"; columns = (
			{ name = "id"; type = "integer"; primary_key = true; autoincrement = true; },
			{ name = "name"; type = "varchar(50)"; nullable = false; server_default = "'"'"'x'"'"'"; } ); },
		 { op = "create_table"; table = "account"; columns = (
			{ name = "id"; type = "integer"; primary_key = true; },
			{ name = "org_id"; type = "integer"; },
			{ name = "email"; type = "varchar(100)"; nullable = false; unique = true; },
			{ name = "bal"; type = "integer"; nullable = false; server_default = "0"; } );
		   unique = ( { name = "uq_account_org_email"; columns = [ "org_id", "email" ]; } );
		   foreign_keys = ( { name = "fk_account_org"; columns = [ "org_id" ]; references = "org(id)"; on_delete = "cascade"; } );
		   checks = ( { name = "ck_account_bal"; expression = "bal >= 0"; }, { name = "ck_account_email"; expression = "email <> '"''"'"; } ); },
		 { op = "create_index"; table = "account"; columns = [ "org_id", "bal" ]; },
		 { op = "bulk_insert"; table = "org"; rows = ( { id = 1; name = "a"; }, { id = 2; name = "b'"'"'c"; } ); },
		 { op = "add_column"; table = "org"; column = { name = "note"; type = "text"; }; },
		 { op = "execute"; sql = "UPDATE org SET note = name"; }' \
		'{ op = "drop_table"; table = "account"; }, { op = "drop_table"; table = "org"; }'
	echo "plugins = ( { module = \"$ABI1_MODULE\"; } );" >>retort.conf
	expect_rc 1 "lint runs the ABI-1 policy (one finding per operation)" lint a
	# what the module read, op by op, through its own (0.1.0) sizeofs
	expect_eq "${OUT//"$PWD/"/}" "$(cat <<'EOF'
migrations/versions/a.conf:3: error: abi1: kind=1 line=3 table=org col=id:integer:-1:pk:ai col=name:varchar(50):0:default='x' (policy abi1_policy)
migrations/versions/a.conf:6: error: abi1: kind=1 line=6 table=account col=id:integer:-1:pk col=org_id:integer:-1 col=email:varchar(100):0:uq col=bal:integer:0:default=0 uq=uq_account_org_email(org_id,email) ck=ck_account_bal():bal >= 0 ck=ck_account_email():email <> '' fk=fk_account_org(org_id)->org(id):cascade (policy abi1_policy)
migrations/versions/a.conf:14: error: abi1: kind=7 line=14 table=account names=org_id,bal unique=0 (policy abi1_policy)
migrations/versions/a.conf:15: error: abi1: kind=14 line=15 table=org names=id,name row=1:1,3:a row=1:2,3:b'c (policy abi1_policy)
migrations/versions/a.conf:16: error: abi1: kind=4 line=16 table=org col=note:text:-1 (policy abi1_policy)
migrations/versions/a.conf:17: error: abi1: kind=15 line=17 table=- sql=UPDATE org SET note = name (policy abi1_policy)
migrations/versions/a.conf:18: error: abi1: kind=2 line=18 table=account (policy abi1_policy)
migrations/versions/a.conf:18: error: abi1: kind=2 line=18 table=org (policy abi1_policy)
EOF
)" "every operation, column, constraint, foreign key and value reached the ABI-1 module intact"
	expect_in "$ERR" "8 errors, 0 warnings in 1 script" "lint counts them"
	expect_rc 0 "upgrade names the unnamed index through the ABI-1 policy" upgrade head
	case $D in
	sqlite) expect_eq "$(dbq "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'account' AND name LIKE 'abi1%'")" \
		"abi1_ix_account_org_id_bal" "the index has the policy's name" ;;
	esac
	expect_eq "$(dbq "SELECT name, note FROM org ORDER BY id" | tr '\n' ' ')" "a|a b'c|b'c " "the script ran"
}

# a dialect built against 0.1.0's headers knows no retort_op_more: it renders
# what it knows, and an op carrying what it cannot read is refused, not half
# rendered (offline: the module connects to nothing)
scenario_abi1_dialect() {
	mkdir -p "$T_ROOT/abi1_dialect/migrations/versions" && cd "$T_ROOT/abi1_dialect" || return
	printf 'script_location = "migrations";\ndatabase = { url = "abi1dialect://x/y"; };\nplugins = ( { module = "%s"; } );\n' \
		"$top_builddir/tests/abi1/abi1_dialect.la" >retort.conf
	rev a "" "plain" '{ op = "alter_column"; table = "t"; column = "c"; nullable = false; }' ''
	rev b a "autoincrement" '{ op = "alter_column"; table = "t"; column = "id"; autoincrement = true; }' ''
	expect_rc 0 "an ABI-1 dialect renders an alter_column it can read" upgrade a --sql
	expect_in "$OUT" "-- abi1: 6 t;" "... through its own render"
	expect_rc 2 "an ABI-1 dialect: an alter_column of autoincrement is refused" upgrade a:b --sql
	expect_in "$ERR" "abi1dialect: alter_column: this dialect does not read what the operation carries" "... saying why"
	expect_not_in "$OUT" "abi1: 6 t" "... and nothing of it is printed"
}

RETORT_TEST_DIALECTS=${RETORT_TEST_DIALECTS:-sqlite}
D=host
scenario_headers
scenario_abi1_dialect
D=""
for_each_dialect scenario_cxx_plugin
for_each_dialect scenario_abi1_plugin
finish
