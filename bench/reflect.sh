#!/bin/bash
# retort benchmark: reflection.  `retort schema dump` of a generated schema
# of N tables (default 500: 10 columns, 2 indexes and 1 foreign key each)
# on SQLite, PostgreSQL and MariaDB, timed as a whole process (best of
# BENCH_RUNS, default 5), with the round trips the dialect reports
# (`schema dump -v`) and the load average before and after.
#
#   bench/reflect.sh [--out FILE]
#
# Environment: BENCH_DIR (work folder, default a mktemp -d), BENCH_BUILD (an
# existing build folder: skip building), BENCH_TABLES (default 500),
# BENCH_RUNS (default 5), BENCH_DIALECTS (default "sqlite postgresql mysql").
# Servers: the ones named by RETORT_TEST_PG_URL / RETORT_TEST_MYSQL_URL when
# set, else throw-away ones from tests/lib/servers.sh (stopped on exit).
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
out=
while [ $# -gt 0 ]; do
	case $1 in
	--out) out=$2; shift ;;
	*) echo "usage: bench/reflect.sh [--out FILE]" >&2; exit 2 ;;
	esac
	shift
done
N=${BENCH_TABLES:-500}
runs=${BENCH_RUNS:-5}
work=${BENCH_DIR:-$(mktemp -d /tmp/retort-bench-reflect.XXXXXX)}
mkdir -p "$work"
log() { printf 'bench: %s\n' "$*" >&2; }

build=${BENCH_BUILD:-$work/build}
if [ -z "${BENCH_BUILD:-}" ]; then
	log "building with -O2 in $build"
	mkdir -p "$build"
	(cd "$build" && "$src/configure" -q CFLAGS="-O2 -g" >/dev/null && make -j"$(nproc)" >make.log 2>&1) ||
		{ echo "bench: build failed, see $build/make.log" >&2; exit 1; }
fi
R=$build/retort
export RETORT_PLUGIN_PATH=$build/plugins

if [ -z "${RETORT_TEST_PG_URL:-}${RETORT_TEST_MYSQL_URL:-}" ]; then
	srv=$work/srv
	mkdir -p "$srv" && chmod 755 "$srv"
	bash "$src/tests/lib/servers.sh" start "$srv" >&2
	. "$srv/env" 2>/dev/null || true
	trap 'bash "$src/tests/lib/servers.sh" stop "$srv" >/dev/null 2>&1' EXIT
fi
. "$src/tests/lib/url.sh"
PSQL=$(ls /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V | tail -n 1)
[ -n "$PSQL" ] || PSQL=psql

# gen DIALECT: the DDL of N tables t0001.. on stdout
gen() {
	local d=$1 i t p
	[ "$d" = mysql ] && echo "SET foreign_key_checks = 0;"
	[ "$d" = postgresql ] && echo "BEGIN;"
	[ "$d" = sqlite ] && echo "BEGIN;"
	for i in $(seq 1 "$N"); do
		t=$(printf 't%04d' "$i")
		p=$(printf 't%04d' $((i > 1 ? i - 1 : 1)))
		printf 'CREATE TABLE %s (id integer NOT NULL, name varchar(50) NOT NULL, qty integer DEFAULT 0,' "$t"
		printf ' total numeric(12,2), note text, flag boolean, born date, seen timestamp, score double precision,'
		printf ' parent_id integer, PRIMARY KEY (id), CONSTRAINT fk_%s FOREIGN KEY (parent_id) REFERENCES %s (id)' "$t" "$p"
		if [ "$d" = mysql ]; then
			printf ', KEY ix_%s_name (name), KEY ix_%s_qty (qty, born));\n' "$t" "$t"
		else
			printf ');\nCREATE INDEX ix_%s_name ON %s (name);\nCREATE INDEX ix_%s_qty ON %s (qty, born);\n' \
				"$t" "$t" "$t" "$t"
		fi
	done
	[ "$d" = mysql ] && echo "SET foreign_key_checks = 1;"
	[ "$d" != mysql ] && echo "COMMIT;"
}

# setup DIALECT: a fresh database holding the schema; sets URL
setup() {
	local d=$1 name="retort_bench_reflect"
	gen "$d" >"$work/$d.sql"
	case $d in
	sqlite)
		rm -f "$work/reflect.db"
		sqlite3 "$work/reflect.db" <"$work/$d.sql" || return 1
		URL="sqlite:///$work/reflect.db"
		;;
	postgresql)
		[ -n "${RETORT_TEST_PG_URL:-}" ] || return 1
		url_split "$RETORT_TEST_PG_URL"
		PGPASSWORD=$U_PASS "$PSQL" -q -X -h "$U_HOST" -p "$U_PORT" -U "$U_USER" -d "$U_DB" \
			-c "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name" >/dev/null || return 1
		PGPASSWORD=$U_PASS "$PSQL" -q -X -v ON_ERROR_STOP=1 -h "$U_HOST" -p "$U_PORT" -U "$U_USER" -d "$name" \
			-f "$work/$d.sql" >/dev/null || return 1
		URL="${RETORT_TEST_PG_URL%/*}/$name"
		;;
	mysql)
		[ -n "${RETORT_TEST_MYSQL_URL:-}" ] || return 1
		url_split "$RETORT_TEST_MYSQL_URL"
		mariadb -h "$U_HOST" -P "$U_PORT" -u "$U_USER" -p"$U_PASS" \
			-e "DROP DATABASE IF EXISTS $name; CREATE DATABASE $name" || return 1
		mariadb -h "$U_HOST" -P "$U_PORT" -u "$U_USER" -p"$U_PASS" "$name" <"$work/$d.sql" || return 1
		URL="${RETORT_TEST_MYSQL_URL%/*}/$name"
		;;
	esac
	mkdir -p "$work/p-$d/migrations/versions"
	cat >"$work/p-$d/retort.conf" <<EOF
script_location = "migrations";
database = { url = "$URL"; };
EOF
}

load() { cut -d' ' -f1-3 /proc/loadavg; }
# one run: "wall cpu" in seconds (cpu = user + system), from bash's time
one_run() {
	local TIMEFORMAT='%R %U %S'
	{ time "$R" schema dump >/dev/null 2>&1; } 2>&1 | awk '{ printf "%.3f %.3f\n", $1, $2 + $3 }'
}

rows=
for d in ${BENCH_DIALECTS:-sqlite postgresql mysql}; do
	log "$d: generating and loading $N tables"
	if ! setup "$d"; then
		log "$d: no server or the DDL failed: skipped"
		continue
	fi
	cd "$work/p-$d" || exit 1
	"$R" schema dump >/dev/null || { log "$d: schema dump failed"; continue; } # warm the caches
	best= bestcpu= l0=$(load)
	for _ in $(seq 1 "$runs"); do
		read -r wall cpu < <(one_run)
		best=$(echo "$wall ${best:-$wall}" | awk '{ print ($1 < $2) ? $1 : $2 }')
		bestcpu=$(echo "$cpu ${bestcpu:-$cpu}" | awk '{ print ($1 < $2) ? $1 : $2 }')
	done
	l1=$(load)
	stats=$("$R" schema dump -v 2>&1 >/dev/null | sed -n 's/^schema dump: //p')
	tables=$("$R" schema dump | grep -c '^  { name = ')
	rows="$rows| $d | $tables | $best | $bestcpu | $stats | $l0 / $l1 |
"
	log "$d: best of $runs: $best s wall, $bestcpu s cpu ($stats)"
done

{
	echo "| dialect | tables dumped | whole process wall s, best of $runs | its CPU s (user+sys), best | schema dump -v (tables, round trips, wall time in reflect) | load avg before / after |"
	echo "| --- | --- | --- | --- | --- | --- |"
	printf '%s' "$rows"
} | if [ -n "$out" ]; then tee "$out"; else cat; fi
