#!/bin/bash
# The dialect conformance kit, `retort selftest --dialect NAME --url URL`:
# the three shipped dialects and the out-of-tree example (examples/dialect)
# pass it on a fresh database; deliberately broken copies of the sqlite
# dialect (tests/plugins/broken_dialect.c: quoting disabled, rollback that
# commits) fail it, with a `not ok` line naming the scenario and the reason;
# bad usage is exit 2.  The kit also runs from a DESTDIR install.
. "$top_srcdir/tests/lib/common.sh"
: "${RETORT_TEST_PLUGIN_DIR:?}"

# kit NAME URL [OPTIONS...]: runs the kit; $T_ROOT/kit.out and kit.err, $KIT_RC
kit() {
	local name=$1 url=$2
	shift 2
	rt selftest --dialect "$name" --url "$url" "$@" >"$T_ROOT/kit.out" 2>"$T_ROOT/kit.err"
	KIT_RC=$?
}

# the summary line, and every not-ok line with its reason, on failure
kit_show() {
	tail -n 1 "$T_ROOT/kit.out" | sed 's/^/#   /'
	grep -A3 '^not ok' "$T_ROOT/kit.out" | head -n 40 | sed 's/^/#   /'
	sed 's/^/#   stderr: /' "$T_ROOT/kit.err" | head -n 10
}

# the kit passes: exit 0, `N passed, 0 failed`, no `not ok`, every scenario ran
kit_passes() {
	local what=$1 s missing=""
	for s in types ops quoting rollback lock offline; do
		grep -q "^ok [0-9]* - $s" "$T_ROOT/kit.out" || missing="$missing $s"
	done
	if [ "$KIT_RC" -eq 0 ] && grep -q '^[1-9][0-9]* passed, 0 failed' "$T_ROOT/kit.out" &&
		! grep -q '^not ok' "$T_ROOT/kit.out" && [ -z "$missing" ]; then
		pass "$what: $(tail -n 1 "$T_ROOT/kit.out")"
	else
		failed "$what (exit $KIT_RC; scenarios without a check:${missing:- none})"
		kit_show
	fi
}

scenario_conforms() {
	new_db || { failed "create a database"; return; }
	kit "$D" "$URL"
	kit_passes "the $D dialect passes the conformance kit"
	# the offline scenario really ran through the database's own client
	local client
	case $D in sqlite) client=sqlite3 ;; postgresql) client=psql ;; mysql) client='mariadb\|mysql' ;; esac
	if grep -q "^ok [0-9]* - offline: the script runs through \`\($client\)\`" "$T_ROOT/kit.out"; then
		pass "offline --sql output $(grep -o "runs through \`[^\`]*\`" "$T_ROOT/kit.out")"
	else
		failed "offline --sql output ran through $client"
		grep offline "$T_ROOT/kit.out" | sed 's/^/#   /'
	fi
	# and the database is left as it was found: no rst_* table
	local left
	case $D in
	sqlite) left=$(sqlite3 "$DBFILE" "SELECT name FROM sqlite_master WHERE name LIKE 'rst%'" 2>&1) ;;
	postgresql) left=$(dbq "SELECT tablename FROM pg_tables WHERE tablename LIKE 'rst%' AND schemaname = current_schema()" 2>&1) ;;
	mysql) left=$(dbq "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE 'rst%'" 2>&1) ;;
	esac
	# the version and history tables stay (as `downgrade base` keeps them); nothing else
	left=$(echo "$left" | grep -v '^rst_version$' | grep -v '^rst_history$' | grep -v '^$' | tr '\n' ' ')
	[ -z "$left" ] && pass "the kit leaves no table of its own behind" ||
		failed "the kit leaves no table of its own behind (left: $left)"
}
for_each_dialect scenario_conforms

# ---- the installed kit, and examples/dialect built out of tree as sdk.sh builds it ----
# retort installed into a DESTDIR, the example built there by its own Makefile
# with pkg-config alone; when that cannot be done, from its source with cc.
D=exampledb
EX=$T_ROOT/exampledb
STAGE=$T_ROOT/stage
mkdir -p "$EX"
cp -r "$top_srcdir/examples/dialect/." "$EX/"
built=""
if make -C "$top_builddir" install DESTDIR="$STAGE" >"$T_ROOT/cc.log" 2>&1; then
	PC=$(find "$STAGE" -name retort-plugin.pc -print | head -n 1)
	PREFIX=$(sed -n 's/^prefix=//p' "$PC" 2>/dev/null | head -n 1)
	if [ -n "$PC" ] && [ -n "$PREFIX" ] &&
		PKG_CONFIG_PATH=$(dirname "$PC") make -C "$EX" PKG_CONFIG="pkg-config --define-variable=prefix=$STAGE$PREFIX" \
			>>"$T_ROOT/cc.log" 2>&1 && [ -f "$EX/exampledb.so" ]; then
		built="its Makefile against the DESTDIR-installed SDK"
		export LD_LIBRARY_PATH=$STAGE$PREFIX/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
	fi
fi
if [ -z "$built" ] && ${CC:-cc} -std=c99 -O2 -fPIC -fvisibility=hidden -shared -Wl,-z,defs -I"$top_srcdir/include" \
	-I"$top_builddir/include" "$top_srcdir/examples/dialect/exampledb.c" -lsqlite3 -o "$EX/exampledb.so" \
	>>"$T_ROOT/cc.log" 2>&1; then
	built="cc, from its source"
fi
# the kit is installed with retort: the installed binary runs it
if [ -x "$STAGE${PREFIX:-/nowhere}/bin/retort" ]; then
	PLUGINDIR=$(PKG_CONFIG_PATH=$(dirname "$PC") pkg-config --define-variable=prefix="$STAGE$PREFIX" \
		--variable=plugindir retort-plugin 2>/dev/null)
	RETORT_PLUGIN_PATH=$PLUGINDIR "$STAGE$PREFIX/bin/retort" selftest --dialect sqlite --url "sqlite:///$T_ROOT/inst.db" \
		--only types >"$T_ROOT/kit.out" 2>"$T_ROOT/kit.err"
	KIT_RC=$?
	if [ "$KIT_RC" -eq 0 ] && grep -q '^ok [0-9]* - type uuid: written by bulk_insert, read back' "$T_ROOT/kit.out"; then
		pass "the installed retort runs the kit: $(tail -n 1 "$T_ROOT/kit.out")"
	else
		failed "the installed retort runs the kit (exit $KIT_RC)"
		kit_show
	fi
fi
if [ -n "$built" ]; then
	pass "examples/dialect builds ($built)"
	RETORT_PLUGIN_PATH=$EX:$RETORT_PLUGIN_PATH kit exampledb "exampledb:///$EX/ex.db" --client "sqlite3 -bail '$EX/ex.db'"
	kit_passes "examples/dialect (exampledb) passes the conformance kit"
	grep -q '^ok [0-9]* - rename_table: not supported by this dialect # SKIP exampledb: ' "$T_ROOT/kit.out" &&
		pass "an operation exampledb refuses is skipped out loud, with the dialect's message" ||
		failed "an operation exampledb refuses is skipped out loud, with the dialect's message"
else
	failed "examples/dialect builds"
	sed 's/^/#   /' "$T_ROOT/cc.log" | tail -n 20
fi

# ---- broken copies of the sqlite dialect fail it, naming the scenario ----
D=broken
BQ=$RETORT_TEST_PLUGIN_DIR/brokenquote.la
BR=$RETORT_TEST_PLUGIN_DIR/brokenrollback.la
if [ -e "$BQ" ] && [ -e "$BR" ]; then
	kit "$BQ" "brokenquote:///$T_ROOT/bq.db" --only quoting
	if [ "$KIT_RC" -eq 1 ] && grep -q '^not ok [0-9]* - quoting: double quote: ' "$T_ROOT/kit.out" &&
		grep -A2 '^not ok [0-9]* - quoting: double quote: the literal reads back' "$T_ROOT/kit.out" |
		grep -q '^#   SELECT val FROM rst_q"uote WHERE select IS NULL'; then
		pass "a dialect whose quote_ident does not quote fails: $(grep -m1 '^not ok' "$T_ROOT/kit.out")"
	else
		failed "a dialect whose quote_ident does not quote fails the quoting scenario (exit $KIT_RC)"
		kit_show
	fi
	grep -q '^[0-9]* passed, [1-9][0-9]* failed' "$T_ROOT/kit.out" && pass "its summary counts the failures" ||
		failed "its summary counts the failures: $(tail -n 1 "$T_ROOT/kit.out")"

	kit "$BR" "brokenrollback:///$T_ROOT/br.db" --only rollback
	if [ "$KIT_RC" -eq 1 ] &&
		grep -A2 '^not ok [0-9]* - rollback: the row the failed revision inserted is rolled back (nothing half-written)' \
			"$T_ROOT/kit.out" | grep -q "expected '1'"; then
		pass "a dialect whose rollback commits fails: $(grep -m1 '^not ok' "$T_ROOT/kit.out")"
	else
		failed "a dialect whose rollback commits fails the rollback scenario (exit $KIT_RC)"
		kit_show
	fi
	# the same broken copies pass the scenarios their breakage does not touch
	kit "$BQ" "brokenquote:///$T_ROOT/bq2.db" --only rollback
	[ "$KIT_RC" -eq 0 ] && pass "the broken-quoting copy passes the rollback scenario (the failure is pinned down)" ||
		{ failed "the broken-quoting copy passes the rollback scenario"; kit_show; }
else
	failed "the broken test dialects are built ($BQ, $BR: make check builds them)"
fi

# ---- bad usage: exit 2 ----
D=usage
expect_two() {
	local what=$1 want=$2
	shift 2
	rt "$@" >"$T_ROOT/out" 2>"$T_ROOT/err"
	local rc=$?
	if [ "$rc" -eq 2 ] && grep -q -- "$want" "$T_ROOT/err"; then
		pass "$what: exit 2, '$want'"
	else
		failed "$what: exit 2 with '$want' (exit $rc)"
		sed 's/^/#   /' "$T_ROOT/err" | head -n 5
	fi
}
expect_two "selftest without --url" "selftest needs --url URL" selftest --dialect sqlite
expect_two "selftest without --dialect" "selftest needs --dialect NAME" selftest --url "sqlite:///$T_ROOT/u.db"
expect_two "selftest of a dialect that does not exist" "nosuchdialect" \
	selftest --dialect nosuchdialect --url "nosuchdialect:///$T_ROOT/u.db"
expect_two "selftest on a database that does not answer" "could not connect" \
	selftest --dialect postgresql --url "postgresql://kit:s3cr3t-pw@127.0.0.1:1/none"
if grep -q 's3cr3t-pw' "$T_ROOT/out" "$T_ROOT/err"; then failed "the password is never printed"; else pass "the password is never printed"; fi
expect_two "selftest --only an unknown scenario" "no scenario 'nonsense'" \
	selftest --dialect sqlite --url "sqlite:///$T_ROOT/u.db" --only nonsense
finish
