#!/bin/bash
# The SDK test: install retort into a DESTDIR and, from that install with
# nothing but pkg-config and retort-plugin.mk, build the four out-of-tree
# examples (examples/dialect `exampledb`, policy `examplepolicy`, formatter
# `exampleformat`, hook `examplenotify`; each folder copied alone, its
# Makefile three lines) and a C++ plugin; install them into the staged
# plugindir and run them with the INSTALLED retort binary: the dialect
# migrates an SQLite file up and down, the policy names the index the
# dialect asks for (policy_name) and fails `retort lint`, the formatter
# rewrites the revision `retort revision` writes, the hook logs the events
# as JSON lines.
#
# Environment: top_builddir, top_srcdir (as `make check` sets them); RETORT
# (the built binary) is not used: the installed one is the point.
# Output: `ok N - ...` / `not ok N - ...`, then `# sdk: N passed, M failed`.

set -u
: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"

PASS=0
FAIL=0
NUM=0
T=$(mktemp -d /tmp/retort-sdk-XXXXXX)
trap 'rm -rf "$T"' EXIT

ok() { NUM=$((NUM + 1)); PASS=$((PASS + 1)); echo "ok $NUM - $*"; }
not_ok() { NUM=$((NUM + 1)); FAIL=$((FAIL + 1)); echo "not ok $NUM - $*"; }
# show a log file indented, after a failure
show() { [ -s "$1" ] && sed 's/^/#   /' "$1" | tail -n 30; return 0; }
finish() {
	echo "# sdk: $PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ] && [ "$PASS" -gt 0 ]
	exit $?
}
# bail DESC [LOG]: a failure after which nothing else can run
bail() { not_ok "$1"; [ $# -gt 1 ] && show "$2"; finish; }

STAGE=$T/stage
LOG=$T/log

# ---- 1. make install DESTDIR ----
if make -C "$top_builddir" install DESTDIR="$STAGE" >"$LOG" 2>&1; then
	ok "make install DESTDIR=<stage>"
else
	bail "make install DESTDIR=<stage>" "$LOG"
fi

# ---- 2. the installed pkg-config file, and paths derived from it ----
PC=$(find "$STAGE" -name retort-plugin.pc -print | head -n 1)
[ -n "$PC" ] || bail "retort-plugin.pc installed under the stage"
PCDIR=$(dirname "$PC")
PREFIX=$(sed -n 's/^prefix=//p' "$PC" | head -n 1)
[ -n "$PREFIX" ] || bail "retort-plugin.pc has a prefix= line"
export PKG_CONFIG_PATH=$PCDIR
PKGC="pkg-config --define-variable=prefix=$STAGE$PREFIX"
CFLAGS_PC=$($PKGC --cflags retort-plugin 2>"$LOG")
PLUGINDIR=$($PKGC --variable=plugindir retort-plugin 2>>"$LOG")
case $PLUGINDIR in
	"$STAGE"/*) ok "pkg-config retort-plugin resolves under the stage (plugindir ${PLUGINDIR#"$STAGE"})" ;;
	*) bail "pkg-config retort-plugin resolves under the stage (plugindir '$PLUGINDIR', cflags '$CFLAGS_PC')" "$LOG" ;;
esac
INCDIR=${CFLAGS_PC#-I}
INCDIR=${INCDIR%% *}
if [ -f "$INCDIR/retort/dialect.h" ] && [ -f "$INCDIR/retort/version.h" ] && [ -f "$INCDIR/retort/plugin.h" ]; then
	ok "headers installed in the include folder pkg-config names"
else
	not_ok "headers installed in the include folder pkg-config names ($INCDIR)"
fi

RETORT_BIN=$STAGE$PREFIX/bin/retort
[ -x "$RETORT_BIN" ] || RETORT_BIN=$(find "$STAGE" -path '*/bin/retort' -type f | head -n 1)
[ -n "$RETORT_BIN" ] && [ -x "$RETORT_BIN" ] || bail "retort binary installed under the stage"
if [ -e "$PLUGINDIR/sqlite.so" ] || [ -e "$PLUGINDIR/sqlite.la" ]; then
	ok "installed binary and the default plugins in plugindir"
else
	not_ok "installed binary and the default plugins in plugindir ($(ls "$PLUGINDIR" 2>&1 | tr '\n' ' '))"
fi

# ---- 3. build the four examples out of tree: pkg-config and retort-plugin.mk alone ----
MKFILE=$($PKGC --variable=mkfile retort-plugin 2>>"$LOG")
case $MKFILE in
	"$STAGE"/*) [ -f "$MKFILE" ] && ok "retort-plugin.mk installed where pkg-config's mkfile says" ||
		not_ok "retort-plugin.mk installed where pkg-config's mkfile says ($MKFILE)" ;;
	*) not_ok "pkg-config's mkfile is under the stage ('$MKFILE')" ;;
esac
PCF=" $($PKGC --variable=plugin_cflags retort-plugin) $($PKGC --variable=plugin_ldflags retort-plugin) "
MISSING=
for F in -fPIC -fvisibility=hidden -shared -Wl,-z,defs; do
	case $PCF in *" $F "*) ;; *) MISSING="$MISSING $F" ;; esac
done
[ -z "$MISSING" ] && ok "retort-plugin.pc: plugin_cflags and plugin_ldflags ($PCF)" ||
	not_ok "retort-plugin.pc: plugin_cflags and plugin_ldflags lack$MISSING ($PCF)"

# build_example DIR MODULE: copy examples/DIR (nothing else), make, make install
build_example() {
	local dir=$1 mod=$2 b=$T/$1 n exports
	mkdir -p "$b"
	cp "$top_srcdir/examples/$dir"/* "$b"/
	n=$(grep -cv '^[[:space:]]*\(#.*\)\?$' "$b/Makefile")
	[ "$n" -le 3 ] && ok "examples/$dir/Makefile is $n lines" || not_ok "examples/$dir/Makefile is $n lines (3 at most)"
	if make -C "$b" PKG_CONFIG="$PKGC" CFLAGS="-O2 -g -Werror" >"$LOG" 2>&1 && [ -f "$b/$mod.so" ]; then
		ok "examples/$dir builds against the staged SDK with retort-plugin.mk (-Werror)"
	else
		not_ok "examples/$dir builds against the staged SDK with retort-plugin.mk"
		show "$LOG"
		return 1
	fi
	exports=$(nm -D --defined-only "$b/$mod.so" 2>/dev/null | awk '$2 == "T" { print $3 }' | tr '\n' ' ')
	[ "$exports" = "retort_plugin_entry " ] && ok "$mod.so exports only retort_plugin_entry" ||
		not_ok "$mod.so exports only retort_plugin_entry (exports: $exports)"
	if make -C "$b" PKG_CONFIG="$PKGC" install >"$LOG" 2>&1 && [ -f "$PLUGINDIR/$mod.so" ]; then
		ok "make install puts $mod.so into the staged plugindir"
	else
		not_ok "make install puts $mod.so into the staged plugindir"
		show "$LOG"
	fi
}
build_example dialect exampledb || bail "examples/dialect builds"
build_example policy examplepolicy
build_example formatter exampleformat
build_example hook examplenotify

# a C++ plugin through the same fragment (tests/plugins/cxx_notify.cpp, C++11)
if command -v "${CXX:-g++}" >/dev/null 2>&1; then
	mkdir -p "$T/cxx"
	cp "$top_srcdir/tests/plugins/cxx_notify.cpp" "$T/cxx/"
	printf 'PLUGIN = cxx_notify\nSOURCES = cxx_notify.cpp\ninclude $(shell $(or $(PKG_CONFIG),pkg-config) --variable=mkfile retort-plugin)\n' \
		>"$T/cxx/Makefile"
	if make -C "$T/cxx" PKG_CONFIG="$PKGC" CXXFLAGS="-std=c++11 -pedantic -Werror" >"$LOG" 2>&1 &&
		[ "$(nm -D --defined-only "$T/cxx/cxx_notify.so" | awk '$2 == "T" { print $3 }' | tr '\n' ' ')" = "retort_plugin_entry " ]; then
		ok "a C++ plugin builds with retort-plugin.mk (-std=c++11 -pedantic -Werror), exporting only retort_plugin_entry"
	else
		not_ok "a C++ plugin builds with retort-plugin.mk"
		show "$LOG"
	fi
else
	echo "# SKIPPED: no C++ compiler: a C++ plugin through retort-plugin.mk"
fi

# ---- 4. migrate with the installed retort ----
# The installed retort looks for its plugins in the configured pkglibdir
# (not under the stage), so point it at the stage's plugindir, where the
# examples were installed.
export RETORT_PLUGIN_PATH=$PLUGINDIR
unset RETORT_CONFIG DATABASE_URL
PROJ=$T/proj
DB=$PROJ/x.db
mkdir -p "$PROJ"
cd "$PROJ" || bail "cd $PROJ"

rt() { "$RETORT_BIN" "$@" >"$T/out" 2>"$T/err"; }
tables() { sqlite3 "$DB" .tables 2>/dev/null | tr -s ' \t' '\n\n' | grep -v '^$' | sort | tr '\n' ' '; }

if ! command -v sqlite3 >/dev/null 2>&1; then
	bail "sqlite3 command line tool available (apt-get install sqlite3)"
fi

if rt init migrations && [ -d migrations/versions ]; then
	ok "retort init migrations"
else
	bail "retort init migrations" "$T/err"
fi
# the four examples at work together: the dialect migrates, the policy
# names the indexes the dialect asks for (policy_name), the formatter
# rewrites what `retort revision` writes, the hook logs the events
cat >retort.conf <<EOF
script_location = "migrations";
database = { url = "exampledb:///$DB"; };
plugins = (
  { module = "examplepolicy"; },
  { module = "exampleformat"; },
  { module = "examplenotify"; path = "events.jsonl"; events = [ "migrate.*", "revision.*" ]; }
);
EOF

R1=a1b2c3d4e5f6
R2=b2c3d4e5f6a7
if rt revision -m "create widget" --rev-id "$R1" && [ -f "migrations/versions/${R1}_create_widget.conf" ]; then
	ok "retort revision writes ${R1}_create_widget.conf"
else
	bail "retort revision -m 'create widget'" "$T/err"
fi
F=migrations/versions/${R1}_create_widget.conf
if [ "$(tail -n 1 "$F")" = "# formatted by exampleformat" ] && ! grep -q '[[:blank:]]$' "$F"; then
	ok "exampleformat rewrote the written revision (signed, no trailing blanks)"
else
	not_ok "exampleformat rewrote the written revision"
	show "$F"
fi
if [ "$(stat -c %a "$F")" = "$(printf '%o' $((0666 & ~0$(umask))))" ]; then
	ok "the rewritten revision has the mode a new file gets ($(stat -c %a "$F"))"
else
	not_ok "the rewritten revision has the mode a new file gets (got $(stat -c %a "$F"), umask $(umask))"
fi
# fill the operations in (a hand edit of the written file)
cat >"migrations/versions/${R1}_create_widget.conf" <<EOF
revision = "$R1";
message = "create widget";
create_date = "2026-11-22 10:30:00";

upgrade = (
  { op = "create_table"; table = "widget";
    columns = (
      { name = "id"; type = "integer"; primary_key = true; autoincrement = true; },
      { name = "name"; type = "varchar(40)"; nullable = false; },
      { name = "code"; type = "uuid"; unique = true; }
    ); },
  { op = "create_index"; name = "ix_widget_name"; table = "widget"; columns = [ "name" ]; },
  { op = "create_table"; table = "gadget";
    columns = (
      { name = "id"; type = "integer"; primary_key = true; },
      { name = "widget_id"; type = "integer"; }
    );
    foreign_keys = ( { columns = [ "widget_id" ]; references = "widget(id)"; } ); }
);

downgrade = (
  { op = "drop_table"; table = "gadget"; },
  { op = "drop_index"; name = "ix_widget_name"; table = "widget"; },
  { op = "drop_table"; table = "widget"; }
);
EOF
cat >"migrations/versions/${R2}_price.conf" <<EOF
revision = "$R2";
down_revision = "$R1";
message = "price and first rows";

upgrade = (
  { op = "add_column"; table = "widget";
    column = { name = "price"; type = "numeric(12,2)"; nullable = false; server_default = "0"; }; },
  { op = "bulk_insert"; table = "widget";
    rows = ( { name = "bolt"; price = 1.5; }, { name = "nut's"; price = 2; } ); },
  { op = "execute"; sql = "UPDATE widget SET code = 'c-' || id"; }
);

downgrade = (
  { op = "execute"; sql = "DELETE FROM widget"; },
  { op = "drop_column"; table = "widget"; column = "price"; }
);
EOF

if rt heads && grep -q "^$R2 (head)" "$T/out"; then
	ok "retort heads: $R2 (head)"
else
	not_ok "retort heads: $R2 (head)"
	show "$T/out"
	show "$T/err"
fi

if rt plugins && grep -q "exampledb" "$T/out"; then
	ok "retort plugins lists exampledb"
else
	not_ok "retort plugins lists exampledb"
	show "$T/out"
	show "$T/err"
fi

if rt upgrade head --sql && grep -q 'CREATE TABLE "widget"' "$T/out" && grep -q "^COMMIT" "$T/out"; then
	ok "upgrade head --sql renders through exampledb, offline"
else
	not_ok "upgrade head --sql renders through exampledb, offline"
	show "$T/out"
	show "$T/err"
fi
[ ! -e "$DB" ] && ok "--sql created no database file" || not_ok "--sql created no database file"
grep -q '^CREATE INDEX "ix_gadget_widget_id" ON "gadget" ("widget_id")' "$T/out" &&
	ok "offline too, the foreign key's index has the name policy_name got from examplepolicy" ||
	not_ok "offline too, the foreign key's index has the name policy_name got from examplepolicy"
# without a policy, policy_name answers "no rule" and exampledb adds no index
printf 'script_location = "migrations";\ndatabase = { url = "exampledb:///%s"; };\n' "$DB" >nopolicy.conf
if rt -c nopolicy.conf upgrade head --sql && grep -q 'CREATE TABLE "gadget"' "$T/out" &&
	! grep -q "CREATE INDEX \"ix_gadget" "$T/out"; then
	ok "with no policy loaded, policy_name says no rule: no index for the foreign key"
else
	not_ok "with no policy loaded, policy_name says no rule: no index for the foreign key"
	show "$T/out"
	show "$T/err"
fi

if rt upgrade head; then
	ok "retort upgrade head through exampledb"
else
	not_ok "retort upgrade head through exampledb"
	show "$T/err"
fi
TABLES=$(tables)
case " $TABLES" in
	*" widget "*) ok "sqlite3 .tables has widget ($TABLES)" ;;
	*) not_ok "sqlite3 .tables has widget ($TABLES)" ;;
esac
case " $TABLES" in
	*" retort_version "*) ok "sqlite3 .tables has retort_version" ;;
	*) not_ok "sqlite3 .tables has retort_version ($TABLES)" ;;
esac
IX=$(sqlite3 "$DB" "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'gadget'" 2>&1)
[ "$IX" = "ix_gadget_widget_id" ] && ok "exampledb indexed the foreign key, named by examplepolicy through policy_name" ||
	not_ok "exampledb indexed the foreign key, named by examplepolicy through policy_name (got '$IX')"
V=$(sqlite3 "$DB" "SELECT version_num FROM retort_version" 2>&1)
[ "$V" = "$R2" ] && ok "retort_version holds $R2" || not_ok "retort_version holds $R2 (got '$V')"
ROWS=$(sqlite3 "$DB" "SELECT name || '=' || price || '=' || code FROM widget ORDER BY id" 2>&1 | tr '\n' ' ')
[ "$ROWS" = "bolt=1.5=c-1 nut's=2=c-2 " ] && ok "bulk_insert and execute ran ($ROWS)" ||
	not_ok "bulk_insert and execute ran (got '$ROWS')"
if rt current && grep -q "^$R2 (head)" "$T/out"; then
	ok "retort current: $R2 (head)"
else
	not_ok "retort current: $R2 (head)"
	show "$T/out"
	show "$T/err"
fi

if rt downgrade base; then
	ok "retort downgrade base through exampledb"
else
	not_ok "retort downgrade base through exampledb"
	show "$T/err"
fi
TABLES=$(tables)
case " $TABLES" in
	*" widget "*) not_ok "widget is gone after downgrade base ($TABLES)" ;;
	*) ok "widget is gone after downgrade base" ;;
esac
case " $TABLES" in
	*" retort_version "*)
		N=$(sqlite3 "$DB" "SELECT count(*) FROM retort_version" 2>&1)
		[ "$N" = 0 ] && ok "retort_version kept and empty" || not_ok "retort_version kept and empty (rows: $N)"
		;;
	*) not_ok "retort_version kept and empty (tables: $TABLES)" ;;
esac
if rt current && [ ! -s "$T/out" ]; then
	ok "retort current prints nothing at base"
else
	not_ok "retort current prints nothing at base"
	show "$T/out"
	show "$T/err"
fi


# ---- 5. the hook's log ----
if python3 - events.jsonl >"$T/out" 2>&1 <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
names = [e["event"] for e in ev]
assert names.count("migrate.before") == 2 and names.count("migrate.after") == 2, names
assert "revision.after" in names or "revision.before" in names, names
up = [e for e in ev if e["event"] == "migrate.after" and e["command"] == "upgrade"]
assert up and up[0]["outcome"] == "ok", up
print(" ".join(names))
PY
then
	ok "examplenotify logged every event as a JSON line ($(cat "$T/out"))"
else
	not_ok "examplenotify logged every event as a JSON line"
	show "$T/out"
	show events.jsonl
fi

# ---- 6. the policy in retort lint ----
LP=$T/lintproj
mkdir -p "$LP/migrations/versions"
cd "$LP" || bail "cd $LP"
cat >retort.conf <<EOF
script_location = "migrations";
plugins = ( { module = "examplepolicy"; min_message = 12; } );
EOF
cat >migrations/versions/c1.conf <<EOF
revision = "c1";
message = "drop old";

upgrade = (
  { op = "drop_table"; table = "legacy"; }
);
EOF
rt lint
RC=$?
if [ $RC = 1 ] && grep -q "c1.conf:5: error: no_drop_table: drop_table of 'legacy' in an upgrade.*(policy examplepolicy)" "$T/out" &&
	grep -q "c1.conf:1: warning: message: the message 'drop old' is shorter than 12 characters" "$T/out"; then
	ok "retort lint: examplepolicy's error and warning, with file:line (exit 1)"
else
	not_ok "retort lint: examplepolicy's error and warning, with file:line (exit $RC)"
	show "$T/out"
	show "$T/err"
fi
sed -i 's/table = "legacy"; }/table = "legacy"; allow = [ "no_drop_table" ]; }/; s/drop old/drop the legacy table/' \
	migrations/versions/c1.conf
if rt lint && ! grep -q "no_drop_table\|error" "$T/out"; then
	ok "retort lint: allow = [ \"no_drop_table\" ] on the operation silences the rule (exit 0)"
else
	not_ok "retort lint: allow = [ \"no_drop_table\" ] silences the rule"
	show "$T/out"
	show "$T/err"
fi
sed -i 's/no_drop_table/no_such_rule/' migrations/versions/c1.conf
rt lint
RC=$?
if [ $RC = 2 ] && grep -q "c1.conf:5:.*no_such_rule" "$T/err"; then
	ok "retort lint: allow naming a rule examplepolicy does not list is refused (exit 2)"
else
	not_ok "retort lint: allow naming a rule examplepolicy does not list is refused (exit $RC)"
	show "$T/err"
fi

finish
