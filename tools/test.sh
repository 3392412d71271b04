#!/usr/bin/env bash
# The README's second command (and what .ci/run calls): install what is
# missing, build with autotools, start PostgreSQL and MariaDB on loopback
# in temporary folders, run the whole suite, stop the servers.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/tools/deps.sh"
build=$(mktemp -d /tmp/retort-build-XXXXXX)
srv=$(mktemp -d /tmp/retort-servers-XXXXXX)
chmod 755 "$srv"
cleanup() {
	bash "$here/tests/lib/servers.sh" stop "$srv" || true
	rm -rf "$build"
}
trap cleanup EXIT
cd "$here"
[ -x configure ] && [ configure -nt configure.ac ] || ./autogen.sh >/dev/null
cd "$build"
"$here/configure" -q
make -s -j"$(nproc)"
bash "$here/tests/lib/servers.sh" start "$srv"
# shellcheck disable=SC1091
[ -f "$srv/env" ] && . "$srv/env"
status=0
make -s -j"$(nproc)" check >"$build/check.out" 2>&1 || status=$?
cat "$build/check.out"
for f in $(find "$build/tests" -name '*.log' ! -name 'test-suite.log'); do
	if grep -q '^SKIPPED:' "$f"; then grep '^SKIPPED:' "$f"; fi
done
[ $status -eq 0 ] || find "$build/tests" -name '*.log' -exec grep -l -E '^not ok|FAIL|Assertion' {} \; | while read -r f; do
	echo "==== $f"; tail -40 "$f"; done
pass=$(sed -n 's/^# PASS: *//p' "$build/check.out")
fail=$(sed -n 's/^# FAIL: *//p' "$build/check.out")
err=$(sed -n 's/^# ERROR: *//p' "$build/check.out")
echo "tests: ${pass:-0} passed, $(( ${fail:-0} + ${err:-0} )) failed"
exit $status
