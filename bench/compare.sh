#!/bin/bash
# Two builds of retort compared on the same workloads, alternating: see
# bench/README.md ("Before and after").
#
#   bench/compare.sh OLD_BUILD NEW_BUILD
#
# OLD_BUILD and NEW_BUILD are build folders (each with retort and plugins/).
# Each case runs BENCH_ROUNDS hyperfine invocations (default 5), each timing
# old then new BENCH_RUNS times (default 4), so that both see the same load
# on a shared machine (PostgreSQL: 3 x 2, MariaDB with BENCH_MYSQL=1: BENCH_MYSQL_ROUNDS x 1 (2),
# its DDL being slow); the table gives the median and minimum over all runs
# (ms) and the ratio new/old of the medians.  Workloads: bench/gen.py in
# $BENCH_DIR/wl (N = 1,000 and 10,000).  PostgreSQL and MariaDB rows when
# RETORT_TEST_PG_URL / RETORT_TEST_MYSQL_URL are set (tests/lib/servers.sh).
set -u
[ $# -eq 2 ] || { echo "usage: bench/compare.sh OLD_BUILD NEW_BUILD" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
old=$(cd "$1" && pwd)
new=$(cd "$2" && pwd)
rounds=${BENCH_ROUNDS:-5}
runs=${BENCH_RUNS:-4}
work=${BENCH_DIR:-$(mktemp -d /tmp/retort-compare.XXXXXX)}
mkdir -p "$work"
export XDG_CACHE_HOME=$work/xdg # the new build's header cache
wl=$work/wl
[ -d "$wl/branched-10000-conf" ] || python3 "$here/gen.py" "$wl" 1000 10000 >&2 || exit 1
sleep 3 # scripts written in the last seconds are not cached
O="env RETORT_PLUGIN_PATH=$old/plugins:$old/hooks $old/retort"
N="env RETORT_PLUGIN_PATH=$new/plugins:$new/hooks $new/retort"

# case NAME FOLDER PREPARE ARGS...: one table row
case_() {
	local name=$1 dir=$2 prep=$3 i
	shift 3
	cd "$dir" || exit 1
	rm -f "$work"/r*.json
	for ((i = 0; i < ${ROUNDS:-$rounds}; i++)); do
		hyperfine -N --style none -w 1 -r "${RUNS:-$runs}" --export-json "$work/r$i.json" \
			--prepare "bash -c $(printf %q "$prep")" -n old "$O $*" \
			--prepare "bash -c $(printf %q "$prep")" -n new "$N $*" >/dev/null 2>"$work/err" ||
			{ echo "| $name | failed: $(tail -n 1 "$work/err") | | |"; return; }
	done
	python3 - "$name" "$work"/r*.json <<'PY'
import json, statistics, sys
t = {"old": [], "new": []}
for f in sys.argv[2:]:
    for r in json.load(open(f))["results"]:
        t[r["command"]] += r["times"]
o, n = (statistics.median(t[k]) * 1000 for k in ("old", "new"))
print("| %s | %.1f (%.1f) | %.1f (%.1f) | %.2f |" % (sys.argv[1], o, min(t["old"]) * 1000, n, min(t["new"]) * 1000, n / o))
PY
}

echo "| case | old median (min) ms | new median (min) ms | new/old |"
echo "|---|---|---|---|"
w=$wl/chain-1000-conf
case_ "upgrade head, N = 1,000, SQLite" "$w" "rm -f $w/bench.db" -q --url "sqlite:///$w/bench.db" upgrade head
if [ -n "${RETORT_TEST_PG_URL:-}" ]; then
	ROUNDS=3 RUNS=2 case_ "upgrade head, N = 1,000, PostgreSQL" "$w" \
		"$O -q --url '$RETORT_TEST_PG_URL' downgrade base >/dev/null 2>&1; true" -q --url "$RETORT_TEST_PG_URL" upgrade head
fi
if [ -n "${RETORT_TEST_MYSQL_URL:-}" ] && [ "${BENCH_MYSQL:-0}" = 1 ]; then
	ROUNDS=${BENCH_MYSQL_ROUNDS:-2} RUNS=1 case_ "upgrade head, N = 1,000, MariaDB" "$w" \
		"$O -q --url '$RETORT_TEST_MYSQL_URL' downgrade base >/dev/null 2>&1; true" -q --url "$RETORT_TEST_MYSQL_URL" upgrade head
fi
for g in branched-10000-conf chain-10000-conf; do
	w=$wl/$g
	(cd "$w" && $O heads >/dev/null && $N heads >/dev/null) # both caches written
	case_ "heads, $g (cache)" "$w" true heads
	case_ "history, $g (cache)" "$w" true history
	RETORT_NO_CACHE=1 case_ "heads, $g (RETORT_NO_CACHE=1)" "$w" true heads
done
