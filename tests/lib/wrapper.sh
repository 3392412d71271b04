#!/bin/sh
# LOG_COMPILER for the integration tests: runs a test script with bash.
# RETORT_VALGRIND=1 makes every retort invocation run under valgrind
# (see tests/lib/common.sh).
exec bash "$@"
