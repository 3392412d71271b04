#!/bin/sh
# LOG_COMPILER for the integration tests: runs a test script with bash and
# ends its log with the wall-clock and CPU time it took (find the slow ones
# with `grep -H '^# took' tests/*/*.log | sort -t' ' -k3 -n`).
# RETORT_VALGRIND=1 makes every retort invocation run under valgrind
# (see tests/lib/common.sh).
start=$(date +%s%N)
# python3 straight from the system when it has one: a version manager's
# shim first on PATH (pyenv) runs a dozen processes for every call
pybin=""
if [ -x /usr/bin/python3 ] && [ "$(command -v python3)" != /usr/bin/python3 ]; then
	pybin=$(mktemp -d)
	ln -s /usr/bin/python3 "$pybin/python3"
	PATH=$pybin:$PATH
	export PATH
fi
bash "$@"
rc=$?
[ -z "$pybin" ] || rm -rf "$pybin"
end=$(date +%s%N)
# the children's user and system CPU time: the second line of `times`
# (run in this shell, not in a command substitution's)
t=$(mktemp)
times >"$t"
echo "# took $(( (end - start) / 1000000 )) ms wall, cpu (user sys) $(sed -n 2p "$t")"
rm -f "$t"
exit $rc
