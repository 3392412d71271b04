#!/usr/bin/env bash
# Runs every fuzz target's plain driver over its corpus (under valgrind
# when RETORT_VALGRIND=1).
set -u
fail=0 pass=0
for t in config target script sqlsplit; do
	bin="$top_builddir/tests/fuzz/fuzz_$t"
	[ -x "$bin" ] || continue
	if [ "${RETORT_VALGRIND:-0}" = 1 ]; then
		run=(valgrind -q --leak-check=full --error-exitcode=99 --suppressions="$top_srcdir/tests/lib/valgrind.supp" "$bin")
	else
		run=("$bin")
	fi
	if out=$("${run[@]}" "$top_srcdir/tests/fuzz/corpora/$t" 2>&1); then
		echo "ok - fuzz_$t: $out"
		pass=$((pass + 1))
	else
		echo "not ok - fuzz_$t: $out"
		fail=$((fail + 1))
	fi
done
echo "# fuzz corpora: $pass passed, $fail failed"
[ $fail -eq 0 ] && [ $pass -gt 0 ]
