#!/bin/bash
# The SDK test: install retort into a DESTDIR, build the out-of-tree example
# dialect (examples/dialect, `exampledb`) against the installed headers with
# nothing but pkg-config, and migrate an SQLite file through it with the
# INSTALLED retort binary.
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

# ---- 3. build the example out of tree, with pkg-config alone ----
BUILD=$T/exampledb
mkdir -p "$BUILD"
cp "$top_srcdir/examples/dialect/Makefile" "$top_srcdir/examples/dialect/exampledb.c" "$BUILD"/
if make -C "$BUILD" PKG_CONFIG="$PKGC" CFLAGS="-O2 -g -Werror" >"$LOG" 2>&1 && [ -f "$BUILD/exampledb.so" ]; then
	ok "examples/dialect builds against the staged SDK (-Werror)"
else
	bail "examples/dialect builds against the staged SDK" "$LOG"
fi
EXPORTS=$(nm -D --defined-only "$BUILD/exampledb.so" 2>/dev/null | awk '$2 == "T" { print $3 }' | tr '\n' ' ')
if [ "$EXPORTS" = "retort_plugin_entry " ]; then
	ok "exampledb.so exports only retort_plugin_entry"
else
	not_ok "exampledb.so exports only retort_plugin_entry (exports: $EXPORTS)"
fi
if make -C "$BUILD" PKG_CONFIG="$PKGC" install >"$LOG" 2>&1 && [ -f "$PLUGINDIR/exampledb.so" ]; then
	ok "make install puts exampledb.so into the staged plugindir"
else
	not_ok "make install puts exampledb.so into the staged plugindir"
	show "$LOG"
fi

# ---- 4. migrate with the installed retort ----
# The installed retort looks for its plugins in the configured pkglibdir
# (not under the stage), so point it at the stage's plugindir too.
export RETORT_PLUGIN_PATH=$BUILD:$PLUGINDIR
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
cat >retort.conf <<EOF
script_location = "migrations";
database = { url = "exampledb:///$DB"; };
EOF

R1=a1b2c3d4e5f6
R2=b2c3d4e5f6a7
if rt revision -m "create widget" --rev-id "$R1" && [ -f "migrations/versions/${R1}_create_widget.conf" ]; then
	ok "retort revision writes ${R1}_create_widget.conf"
else
	bail "retort revision -m 'create widget'" "$T/err"
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
  { op = "create_index"; name = "ix_widget_name"; table = "widget"; columns = [ "name" ]; }
);

downgrade = (
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

finish
