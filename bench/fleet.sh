#!/bin/bash
# retort fleet benchmark: 100 PostgreSQL databases x 50 revisions.
#
#   bench/fleet.sh [--dbs N] [--revs M] [--jobs "1 4 8"] [--runs R]
#
# For each job count J: wall time and peak RSS of
#   retort upgrade --all --jobs J head
# against the floor: the same SQL (retort's own `upgrade head --sql` for
# PostgreSQL: BEGIN, the version table, every revision's DDL and version
# update, COMMIT) fed to psql, one process per database, J at once through
# `xargs -P J`.  Every database is emptied before each run (one psql
# session, \c to each in turn).  Prints one table; the median of R runs.
#
# Peak RSS: retort is one process holding J connections (GNU time's %M);
# the floor is J psql processes at once: shown as one psql's peak and that
# times J.
#
# Environment: BENCH_BUILD (an existing build folder: skip building),
# BENCH_DIR (work folder, default a mktemp -d), RETORT_TEST_PG_URL (use
# that server instead of starting one with tests/lib/servers.sh).
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
ndb=100
nrev=50
jobs_list="1 4 8"
runs=3
while [ $# -gt 0 ]; do
	case $1 in
	--dbs) ndb=$2; shift ;;
	--revs) nrev=$2; shift ;;
	--jobs) jobs_list=$2; shift ;;
	--runs) runs=$2; shift ;;
	*) echo "usage: bench/fleet.sh [--dbs N] [--revs M] [--jobs \"1 4 8\"] [--runs R]" >&2; exit 2 ;;
	esac
	shift
done
for t in /usr/bin/time python3 xargs; do
	command -v "$t" >/dev/null || { echo "bench: $t is missing (apt-get install -y time python3)" >&2; exit 2; }
done
work=${BENCH_DIR:-$(mktemp -d /tmp/retort-fleet-bench.XXXXXX)}
mkdir -p "$work"
. "$src/bench/lib.sh"

# ---- server ----
if [ -z "${RETORT_TEST_PG_URL:-}" ]; then
	srv=$work/srv
	mkdir -p "$srv" && chmod 755 "$srv"
	bash "$src/tests/lib/servers.sh" start "$srv" >&2
	. "$srv/env"
	trap 'bash "$src/tests/lib/servers.sh" stop "$srv" >/dev/null 2>&1' EXIT
fi
. "$src/tests/lib/url.sh"
url_split "$RETORT_TEST_PG_URL"
export PGPASSWORD=$U_PASS PGHOST=$U_HOST PGPORT=$U_PORT PGUSER=$U_USER
base=${RETORT_TEST_PG_URL%/*}
PSQL=$(ls /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V | tail -n 1)
[ -n "$PSQL" ] || PSQL=psql

# ---- project and databases ----
p=$work/project
rm -rf "$p"
mkdir -p "$p/migrations/versions"
for i in $(seq 1 "$nrev"); do
	{
		printf 'revision = "r%04d";\n' "$i"
		[ "$i" -gt 1 ] && printf 'down_revision = "r%04d";\n' $((i - 1))
		printf 'message = "table %d";\n' "$i"
		printf 'upgrade = ( { op = "create_table"; table = "t%d"; columns = (\n' "$i"
		printf '  { name = "id"; type = "bigint"; primary_key = true; autoincrement = true; },\n'
		printf '  { name = "name"; type = "varchar(200)"; nullable = false; },\n'
		printf '  { name = "created_at"; type = "timestamp"; nullable = true; } ); },\n'
		printf '  { op = "create_index"; name = "ix_t%d_name"; table = "t%d"; columns = [ "name" ]; } );\n' "$i" "$i"
		printf 'downgrade = ( { op = "drop_table"; table = "t%d"; } );\n' "$i"
	} >"$p/migrations/versions/r$(printf %04d "$i").conf"
done
: >"$p/tenants.txt"
for i in $(seq 1 "$ndb"); do echo "db$i $base/rt_fleet_$i" >>"$p/tenants.txt"; done
printf 'script_location = "migrations";\ndatabases_from = "tenants.txt";\n' >"$p/retort.conf"
(cd "$p" && "$R" --url "$base/x" upgrade head --sql >"$work/up.sql") || { echo "bench: upgrade --sql failed" >&2; exit 1; }
log "creating $ndb databases"
for i in $(seq 1 "$ndb"); do echo "DROP DATABASE IF EXISTS rt_fleet_$i; CREATE DATABASE rt_fleet_$i;"; done |
	"$PSQL" -q -X -d "$U_DB" >/dev/null 2>&1
reset() {
	for i in $(seq 1 "$ndb"); do
		printf '\\c rt_fleet_%d\nDROP SCHEMA public CASCADE;\nCREATE SCHEMA public;\n' "$i"
	done | "$PSQL" -q -X -d "$U_DB" >/dev/null 2>&1
}
sleep 2 # scripts written in the last seconds are not cached yet (core/lib/cache.h)

# ---- measuring ----
res=$work/results.tsv
: >"$res"
# one timed run: wall seconds and peak RSS (KiB) of the command, appended to FILE
timed() {
	local file=$1
	shift
	/usr/bin/time -f '%e %M' -o "$work/t.txt" "$@" >/dev/null 2>"$work/err.txt" ||
		{ log "failed: $* ($(tail -n 2 "$work/err.txt"))"; }
	tail -n 1 "$work/t.txt" >>"$file"
}
load=$(cut -d' ' -f1-3 /proc/loadavg)
for j in $jobs_list; do
	: >"$work/r.$j"
	: >"$work/f.$j"
	for k in $(seq 1 "$runs"); do
		log "jobs $j, run $k: retort"
		reset
		(cd "$p" && timed "$work/r.$j" "$R" -q upgrade --all --jobs "$j" head)
		log "jobs $j, run $k: psql via xargs -P $j"
		reset
		timed "$work/f.$j" bash -c "seq 1 $ndb | xargs -P $j -I{} $PSQL -q -X -v ON_ERROR_STOP=1 -d rt_fleet_{} -f $work/up.sql"
	done
	python3 - "$j" "$work/r.$j" "$work/f.$j" >>"$res" <<'EOF'
import statistics, sys
j = int(sys.argv[1])
def rows(path):
    return [tuple(float(x) for x in l.split()) for l in open(path) if l.strip()]
r, f = rows(sys.argv[2]), rows(sys.argv[3])
rt, ft = statistics.median(x[0] for x in r), statistics.median(x[0] for x in f)
rm, fm = max(x[1] for x in r) / 1024, max(x[1] for x in f) / 1024
print("\t".join([str(j), "%.2f" % rt, "%.2f" % ft, "%.2f" % (rt / ft), "%.1f" % rm, "%.1f (x%d = %.1f)" % (fm, j, fm * j)]))
EOF
done
reset
echo "# $ndb PostgreSQL databases x $nrev revisions; median of $runs runs; load average at start: $load; $(nproc) CPUs"
printf 'jobs\tretort s\tfloor s\tratio\tretort peak MiB\tpsql peak MiB (x jobs)\n'
cat "$res"
