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
. "$here/reflect_lib.sh"

rows=
for d in ${BENCH_DIALECTS:-sqlite postgresql mysql}; do
	log "$d: generating and loading $N tables"
	if ! setup "$d"; then
		log "$d: no server or the DDL failed: skipped"
		continue
	fi
	cd "$work/p-$d" || exit 1
	"$R" schema dump >/dev/null || { log "$d: schema dump failed"; continue; } # warm the caches
	best= bestcpu= floor= l0=$(load)
	for _ in $(seq 1 "$runs"); do
		read -r wall cpu < <(one_run "$R" schema dump)
		best=$(echo "$wall ${best:-$wall}" | awk '{ print ($1 < $2) ? $1 : $2 }')
		bestcpu=$(echo "$cpu ${bestcpu:-$cpu}" | awk '{ print ($1 < $2) ? $1 : $2 }')
		# shellcheck disable=SC2046
		read -r wall cpu < <(one_run $(floor_cmd "$d"))
		floor=$(echo "$wall ${floor:-$wall}" | awk '{ print ($1 < $2) ? $1 : $2 }')
	done
	l1=$(load)
	stats=$("$R" schema dump -v 2>&1 >/dev/null | sed -n 's/^schema dump: //p')
	tables=$("$R" schema dump | grep -c '^  { name = ')
	rows="$rows| $d | $tables | $best | $bestcpu | $stats | $floor | $l0 / $l1 |
"
	log "$d: best of $runs: $best s wall, $bestcpu s cpu ($stats); client SELECT 1: $floor s"
done

{
	echo "| dialect | tables dumped | whole process wall s, best of $runs | its CPU s (user+sys), best | schema dump -v (tables, round trips, wall time in reflect) | the client's SELECT 1, wall s, best | load avg before / after |"
	echo "| --- | --- | --- | --- | --- | --- | --- |"
	printf '%s' "$rows"
} | if [ -n "$out" ]; then tee "$out"; else cat; fi
