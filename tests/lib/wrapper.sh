#!/bin/sh
# LOG_COMPILER for the integration tests: runs a test script with bash and
# ends its log with the wall-clock and CPU time it took (find the slow ones
# with `grep -H '^# took' tests/*/*.log | sort -t' ' -k3 -n`).
# RETORT_VALGRIND=1 makes every retort invocation run under valgrind
# (see tests/lib/common.sh).
start=$(date +%s%N)
bash "$@"
rc=$?
end=$(date +%s%N)
# the children's user and system CPU time: the second line of `times`
# (run in this shell, not in a command substitution's)
t=$(mktemp)
times >"$t"
echo "# took $(( (end - start) / 1000000 )) ms wall, cpu (user sys) $(sed -n 2p "$t")"
rm -f "$t"
exit $rc
