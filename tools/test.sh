#!/usr/bin/env bash
# The README's second command (and what .ci/run calls): install what is
# missing, build with autotools, start PostgreSQL and MariaDB on loopback in
# temporary folders, run the whole suite twice — a plain build, then an
# AddressSanitizer + UBSan build — and stop the servers.
#
#   tools/test.sh            both passes
#   RETORT_NO_ASAN=1 tools/test.sh   the plain pass only
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/tools/deps.sh"
work=$(mktemp -d /tmp/retort-test-XXXXXX)
srv="$work/servers"
mkdir -p "$srv"
chmod 755 "$work" "$srv"
cleanup() {
	bash "$here/tests/lib/servers.sh" stop "$srv" || true
	[ "${RETORT_KEEP_WORK:-0}" = 1 ] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT
cd "$here"
if [ ! -x configure ] || [ configure.ac -nt configure ]; then ./autogen.sh >/dev/null 2>&1; fi

bash "$here/tests/lib/servers.sh" start "$srv"
# shellcheck disable=SC1091
[ -f "$srv/env" ] && . "$srv/env"

total_pass=0
total_fail=0
status=0

# suite NAME CONFIGURE-FLAGS...: configure and build in $work/NAME, run make check
suite() {
	local name=$1 b="$work/$1" rc=0 pass fail err
	shift
	mkdir -p "$b"
	echo "== $name: configure $*"
	(cd "$b" && "$here/configure" -q "$@" >/dev/null) || return 1
	echo "== $name: build"
	make -C "$b" -s -j"$(nproc)" >/dev/null || return 1
	echo "== $name: make check"
	make -C "$b" -s -j"$(nproc)" check >"$b/check.out" 2>&1 || rc=$?
	grep -E '^(PASS|FAIL|ERROR|SKIP|XPASS):' "$b/check.out" || true
	find "$b/tests" -name '*.log' ! -name 'test-suite.log' -exec grep -h '^SKIPPED:' {} + 2>/dev/null | sort -u || true
	if [ $rc -ne 0 ]; then
		grep -l -E '^:test-result: (FAIL|ERROR)' "$b"/tests/*/*.trs 2>/dev/null | sed 's/\.trs$/.log/' | while read -r f; do
			echo "==== $f"
			grep -E '^not ok|FAILED|CU_ASSERT|ERROR|runtime error|SUMMARY|SKIPPED' "$f" | head -40
		done
	fi
	pass=$(sed -n 's/^# PASS: *//p' "$b/check.out")
	fail=$(sed -n 's/^# FAIL: *//p' "$b/check.out")
	err=$(sed -n 's/^# ERROR: *//p' "$b/check.out")
	echo "== $name: ${pass:-0} passed, $(( ${fail:-0} + ${err:-0} )) failed"
	total_pass=$((total_pass + ${pass:-0}))
	total_fail=$((total_fail + ${fail:-0} + ${err:-0}))
	return $rc
}

suite plain || status=1
if [ "${RETORT_NO_ASAN:-0}" != 1 ]; then
	# crash.sh's kills test timing, not memory: a third of them under ASan
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		RETORT_CRASH_KILLS=8 RETORT_CRASH_KILLS_MYSQL=6 suite asan --enable-asan || status=1
fi
echo "tests: $total_pass passed, $total_fail failed"
exit $status
