#!/bin/bash
# retort benchmark: one command, see bench/README.md.
#
#   bench/run.sh [--quick] [--out FILE]
#
# Builds retort with -O2 out of tree, generates the workloads (gen.py),
# starts throw-away PostgreSQL and MariaDB servers (tests/lib/servers.sh),
# times whole processes with hyperfine (median, min-max over the runs) and
# GNU time (peak RSS), and prints one table:
#
#   workload | dialect | command | retort median | floor median | ratio | retort peak RSS
#
# The floor is the same SQL in one file fed to `sqlite3`, `psql -1 -f`,
# `mariadb` in one transaction (read-only commands: `cat` of every script,
# or the version-table SELECT for `current`).  Ratios are measured in the
# same run; nothing is compared to a fixed number of seconds except the
# absolute targets (50 ms, 32 MiB), shown as ms and MiB.
#
# Environment: BENCH_DIR (work folder, default a mktemp -d), BENCH_RUNS
# (runs for N <= 1000, default 5), BENCH_RUNS_BIG (N = 10,000, default 2),
# BENCH_MYSQL_MAX (largest N run on MariaDB, default 100: its DDL takes
# ~50 ms a statement here), BENCH_PG_MAX (default 1000), BENCH_SIZES
# (default "100 1000 10000"), BENCH_FULL=1 (.sql format at N = 10,000 too),
# BENCH_BUILD (an existing build folder: skip configuring/building),
# BENCH_DIALECTS (default "sqlite postgresql mysql") and BENCH_FORMATS
# (default "conf sql") to run only some rows.
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
out=
quick=0
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1 ;;
	--out) out=$2; shift ;;
	*) echo "usage: bench/run.sh [--quick] [--out FILE]" >&2; exit 2 ;;
	esac
	shift
done
for t in hyperfine /usr/bin/time python3 sqlite3; do
	command -v "$t" >/dev/null || { echo "bench: $t is missing (apt-get install -y hyperfine time sqlite3 python3)" >&2; exit 2; }
done
runs=${BENCH_RUNS:-3}
runs_big=${BENCH_RUNS_BIG:-2}
work=${BENCH_DIR:-$(mktemp -d /tmp/retort-bench.XXXXXX)}
mkdir -p "$work"
. "$src/bench/lib.sh"

# ---- servers ----
srv=$work/srv
mkdir -p "$srv" && chmod 755 "$srv"
bash "$src/tests/lib/servers.sh" start "$srv" >&2
. "$srv/env" 2>/dev/null || true
cleanup() { bash "$src/tests/lib/servers.sh" stop "$srv" >/dev/null 2>&1; }
trap cleanup EXIT
PG=${RETORT_TEST_PG_URL:-}
MY=${RETORT_TEST_MYSQL_URL:-}
# psql / mariadb arguments from the URLs (scheme://user:pw@host:port/db)
. "$src/tests/lib/url.sh"
if [ -n "$PG" ]; then
	url_split "$PG"
	export PGPASSWORD=$U_PASS PGHOST=$U_HOST PGPORT=$U_PORT PGUSER=$U_USER PGDATABASE=$U_DB
fi
MYDB=retort_test
if [ -n "$MY" ]; then
	url_split "$MY"
	MYDB=$U_DB
	MYARGS="-u$U_USER -p$U_PASS -h$U_HOST -P$U_PORT $U_DB"
fi

# ---- workloads ----
sizes="100 1000 10000"
[ "$quick" = 1 ] && sizes="100 1000"
sizes=${BENCH_SIZES:-$sizes}
wl=$work/wl
if [ ! -d "$wl/chain-100-conf" ]; then
	log "generating workloads in $wl"
	python3 "$here/gen.py" "$wl" $sizes || exit 1
fi
# scripts written in the last seconds are "racily clean" and not cached
# (core/lib/cache.h): wait so that the cache can be used after one run
sleep 3

# ---- measuring ----
res=$work/results.tsv
: >"$res"
# measure NAME DIALECT COMMAND RETORT_CMD FLOOR_CMD PREP_RETORT PREP_FLOOR RUNS (commands run in the workload folder)
measure() {
	local wname=$1 dialect=$2 what=$3 rcmd=$4 fcmd=$5 rprep=$6 fprep=$7 n=$8 j=$work/hf.json rss
	log "$wname $dialect $what ($n runs)"
	hyperfine -N --style none -w 0 -r "$n" --export-json "$j" \
		--prepare "bash -c $(printf %q "$rprep")" -n retort "$rcmd" \
		--prepare "bash -c $(printf %q "$fprep")" -n floor "$fcmd" >/dev/null 2>"$work/hf.err" ||
		{ log "hyperfine failed: $(tail -n 3 "$work/hf.err")"; return; }
	# peak RSS: one more run of retort under GNU time
	bash -c "$rprep" >/dev/null 2>&1
	/usr/bin/time -f '%M' -o "$work/rss.txt" bash -c "exec $rcmd" >/dev/null 2>&1
	rss=$(tail -n 1 "$work/rss.txt")
	python3 - "$j" "$wname" "$dialect" "$what" "$rss" >>"$res" <<'EOF'
import json, statistics, sys
j = json.load(open(sys.argv[1]))["results"]
def st(r):
    t = sorted(r["times"])
    return statistics.median(t) * 1000, t[0] * 1000, t[-1] * 1000
r, f = st(j[0]), st(j[1])
print("\t".join([sys.argv[2], sys.argv[3], sys.argv[4],
                 "%.1f" % r[0], "%.1f-%.1f" % r[1:], "%.1f" % f[0], "%.1f-%.1f" % f[1:],
                 "%.2f" % (r[0] / f[0]), "%.1f" % (int(sys.argv[5]) / 1024.0)]))
EOF
}

reset_pg="psql -q -X -v ON_ERROR_STOP=1 -c 'DROP SCHEMA public CASCADE; CREATE SCHEMA public' >/dev/null 2>&1"
reset_my="mariadb ${MYARGS:-} -e 'DROP DATABASE IF EXISTS $MYDB; CREATE DATABASE $MYDB' >/dev/null 2>&1"

for n in $sizes; do
	fl=$wl/chain-$n-floor
	r=$runs
	[ "$n" -ge 10000 ] && r=$runs_big
	for fmt in ${BENCH_FORMATS:-conf sql}; do
		# .sql at 10,000 adds little over .conf and costs minutes: only with BENCH_FULL
		[ "$n" -ge 10000 ] && [ "$fmt" = sql ] && [ -z "${BENCH_FULL:-}" ] && continue
		w=$wl/chain-$n-$fmt
		cd "$w" || exit 1
		for dialect in ${BENCH_DIALECTS:-sqlite postgresql mysql}; do
			case $dialect in
			sqlite)
				url=sqlite:///$w/bench.db
				reset="rm -f $w/bench.db $w/floor.db"
				fup="sh -c 'sqlite3 $w/floor.db < $fl/up-sqlite.sql'"
				fdown="sh -c 'sqlite3 $w/floor.db < $fl/down-sqlite.sql'"
				fupprep="rm -f $w/floor.db"
				fdownprep="rm -f $w/floor.db; sqlite3 $w/floor.db < $fl/up-sqlite.sql"
				;;
			postgresql)
				[ -n "$PG" ] || continue
				[ "$n" -gt "${BENCH_PG_MAX:-1000}" ] && continue
				url=$PG
				reset=$reset_pg
				fup="psql -q -X -1 -v ON_ERROR_STOP=1 -f $fl/up-postgresql.sql"
				fdown="psql -q -X -1 -v ON_ERROR_STOP=1 -f $fl/down-postgresql.sql"
				fupprep=$reset_pg
				fdownprep="$reset_pg; psql -q -X -1 -f $fl/up-postgresql.sql >/dev/null"
				;;
			mysql)
				[ -n "$MY" ] || continue
				[ "$n" -gt "${BENCH_MYSQL_MAX:-100}" ] && continue
				url=$MY
				reset=$reset_my
				fup="sh -c 'mariadb $MYARGS < $fl/up-mysql.sql'"
				fdown="sh -c 'mariadb $MYARGS < $fl/down-mysql.sql'"
				fupprep=$reset_my
				fdownprep="$reset_my; mariadb $MYARGS < $fl/up-mysql.sql"
				;;
			esac
			measure "chain-$n-$fmt" $dialect "upgrade head" "$R -q --url $url upgrade head" "$fup" \
				"$reset" "$fupprep" "$r"
			measure "chain-$n-$fmt" $dialect "downgrade base" "$R -q --url $url downgrade base" "$fdown" \
				"$reset; $R -q --url $url upgrade head" "$fdownprep" "$r"
		done
	done
done

# read-only commands on the 10,000-revision graphs (SQLite database at head for `current`)
if [ "$quick" = 0 ]; then
	for g in chain-10000-conf branched-10000-conf; do
		w=$wl/$g
		cd "$w" || exit 1
		url=sqlite:///$w/bench.db
		rm -f bench.db
		if [ "$g" = branched-10000-conf ]; then
			"$R" -q --url "$url" upgrade heads >/dev/null || log "upgrade heads failed"
			range="b00@base:b00@head"
		else
			"$R" -q --url "$url" upgrade head >/dev/null || log "upgrade head failed"
			# 1,000 revisions from the middle of the chain
			# (history prints "PARENT -> REV, message": drop the comma after REV)
			range=$("$R" history | sed -n '4000p;5000p' | awk '{sub(/,$/, "", $3); print $3}' | tr '\n' ' ' | awk '{print $2":"$1}')
		fi
		# a database stamped at the heads: only the version table, so that
		# `current` measures retort, not SQLite reading 10,000 tables' schema
		rm -f stamped.db
		"$R" -q --url "sqlite:///$w/stamped.db" stamp heads >/dev/null || log "stamp heads failed"
		readall="sh -c 'cat $w/migrations/versions/*.conf >/dev/null'"
		curfloor="sqlite3 $w/bench.db 'SELECT version_num FROM retort_version'"
		stampfloor="sqlite3 $w/stamped.db 'SELECT version_num FROM retort_version'"
		for cache in off on; do
			if [ $cache = off ]; then export RETORT_NO_CACHE=1; else unset RETORT_NO_CACHE; "$R" heads >/dev/null; fi
			measure "$g cache=$cache" sqlite "heads" "$R heads" "$readall" true true 10
			measure "$g cache=$cache" sqlite "current (stamped db)" "$R --url sqlite:///$w/stamped.db current" "$stampfloor" true true 10
			measure "$g cache=$cache" sqlite "current (db at head)" "$R --url $url current" "$curfloor" true true 10
			measure "$g cache=$cache" sqlite "history" "$R history" "$readall" true true 10
			measure "$g cache=$cache" sqlite "history -r" "$R history -r $range" "$readall" true true 10
			measure "$g cache=$cache" sqlite "upgrade --sql" "$R --url sqlite:///x.db upgrade $( [ "$g" = branched-10000-conf ] && echo heads || echo head) --sql" "$readall" true true 3
		done
		unset RETORT_NO_CACHE
	done
fi

# ---- report ----
{
	echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "machine: $(uname -a)"
	echo "cpus: $(nproc); memory: $(free -m | awk '/^Mem:/{print $2" MiB"}'); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "retort: $(git -C "$src" describe --always --dirty 2>/dev/null), CFLAGS=-O2 -g; runs: $runs (N=10,000: $runs_big), read-only commands: 10"
	echo
	echo "| workload | dialect | command | retort median ms (min-max) | floor median ms (min-max) | ratio | retort peak RSS MiB |"
	echo "| --- | --- | --- | --- | --- | --- | --- |"
	awk -F'\t' '{printf "| %s | %s | %s | %s (%s) | %s (%s) | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9}' "$res"
} >"$work/table.md"
cat "$work/table.md"
[ -n "$out" ] && cp "$work/table.md" "$out"
log "raw results: $res"
