#!/bin/bash
# retort benchmark: autogenerate and check on PostgreSQL, whole process.
# The schema of bench/reflect.sh (N tables, default 500: 10 columns, 2
# indexes and 1 foreign key each) is loaded and dumped as the target schema;
#   - `check` against that target (nothing differs: exit 0);
#   - `revision --autogenerate` against it with D differences (default 50:
#     a column added to each of the first D tables), the written file
#     removed after each run;
# each timed as a whole process, best of BENCH_RUNS (default 5), with the
# load average before and after.  Targets on a quiet machine: 0.3 s for
# check, 0.5 s for autogenerate.
#
#   bench/autogen.sh [--out FILE]
#
# Environment: as bench/reflect.sh (BENCH_DIR, BENCH_BUILD, BENCH_TABLES,
# BENCH_RUNS), and BENCH_DIFFS (default 50).
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
out=
while [ $# -gt 0 ]; do
	case $1 in
	--out) out=$2; shift ;;
	*) echo "usage: bench/autogen.sh [--out FILE]" >&2; exit 2 ;;
	esac
	shift
done
. "$here/reflect_lib.sh"
ndiff=${BENCH_DIFFS:-50}

d=postgresql
log "$d: generating and loading $N tables"
setup "$d" || { log "$d: no server or the DDL failed"; exit 1; }
cd "$work/p-$d" || exit 1
"$R" schema dump -o same.conf || { log "schema dump failed"; exit 1; }
# the target with differences: a column added to each of the first $ndiff tables
python3 - "$ndiff" same.conf >changed.conf <<'EOF'
import re, sys
n = int(sys.argv[1])
text = open(sys.argv[2]).read()
out, pos, done = [], 0, 0
for m in re.finditer(r'\{ name = "(t\d+)";\n    columns = \(\n', text):
    if done == n:
        break
    end = text.index("\n    );", m.end())
    out.append(text[pos:end] + ',\n      { name = "extra"; type = "integer"; }')
    pos = end
    done += 1
out.append(text[pos:])
sys.stdout.write("".join(out))
EOF
cp retort.conf retort.conf.orig

# best WALL CPU of $runs runs of a command (after a warm-up); $after runs after each
best_of() {
	local best= bestcpu= wall cpu
	"$@" >/dev/null 2>&1
	${after:-true}
	for _ in $(seq 1 "$runs"); do
		read -r wall cpu < <(one_run "$@")
		${after:-true}
		best=$(echo "$wall ${best:-$wall}" | awk '{ print ($1 < $2) ? $1 : $2 }')
		bestcpu=$(echo "$cpu ${bestcpu:-$cpu}" | awk '{ print ($1 < $2) ? $1 : $2 }')
	done
	echo "$best $bestcpu"
}

l0=$(load)
{ cat retort.conf.orig; echo 'target_schema = "same.conf";'; } >retort.conf
"$R" check >/dev/null 2>&1 || { log "check against the dumped schema does not pass"; exit 1; }
read -r cwall ccpu < <(best_of "$R" check)
{ cat retort.conf.orig; echo 'target_schema = "changed.conf";'; } >retort.conf
nops=$("$R" check 2>/dev/null | grep -c 'op = "add_column"')
after="rm -f migrations/versions/*.conf"
read -r awall acpu < <(best_of "$R" revision --autogenerate -m bench)
l1=$(load)
log "check (no difference): $cwall s wall, $ccpu s cpu; autogenerate ($nops differences): $awall s wall, $acpu s cpu"
{
	echo "| command ($N tables, PostgreSQL) | differences | whole process wall s, best of $runs | its CPU s (user+sys) | target | load avg before / after |"
	echo "| --- | --- | --- | --- | --- | --- |"
	echo "| check | 0 | $cwall | $ccpu | 0.3 | $l0 / $l1 |"
	echo "| revision --autogenerate | $nops | $awall | $acpu | 0.5 | $l0 / $l1 |"
} | if [ -n "$out" ]; then tee "$out"; else cat; fi
