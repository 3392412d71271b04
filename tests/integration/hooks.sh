#!/bin/bash
# Integration test of the hook plugins and of the loader's refusals, driving
# the real retort binary on SQLite:
#   - exec formatter rewrites each written revision file; a failing one
#     makes `revision` exit 1 and name the (kept) file;
#   - jsonlog records the events of `revision` and `upgrade` as JSON lines;
#   - exec notify gets the payload (env + JSON on stdin); a fatal .before
#     hook stops the run before anything changes;
#   - good_notify sees exactly the events its `events` globs select;
#   - each broken module of tests/plugins is refused with exit 2 and its
#     message (needs $RETORT_TEST_PLUGIN_DIR; skipped without it).
#
# Environment: RETORT (the binary), RETORT_PLUGIN_PATH (build tree's
# plugins:hooks), RETORT_TEST_PLUGIN_DIR (build tree's tests/plugins).
# Prints "ok N - ..." / "not ok N - ..."; exits 1 on any failure.

set -u
: "${RETORT:?RETORT must name the retort binary}"
: "${RETORT_PLUGIN_PATH:?RETORT_PLUGIN_PATH must list the plugin folders}"
export RETORT_PLUGIN_PATH
unset RETORT_CONFIG

N=0
FAILS=0
ok() { N=$((N + 1)); echo "ok $N - $*"; }
notok() { N=$((N + 1)); FAILS=$((FAILS + 1)); echo "not ok $N - $*"; }
skip() { N=$((N + 1)); echo "ok $N - # SKIP $*"; }
note() { sed 's/^/#   /' | head -"${2:-20}"; }

T=$(mktemp -d /tmp/retort-it-hooks-XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
export DATABASE_URL="sqlite:///$T/app.db"

# run ARGS...: retort in $T, leaving $RC, $OUT, $ERR
run() {
	"$RETORT" "$@" >"$T/.out" 2>"$T/.err"
	RC=$?
	OUT=$(cat "$T/.out")
	ERR=$(cat "$T/.err")
}

# expect RC DESC ARGS...
expect() {
	local want=$1 desc=$2
	shift 2
	run "$@"
	if [ "$RC" = "$want" ]; then
		ok "$desc"
		return 0
	fi
	notok "$desc (exit $RC, wanted $want)"
	{ echo "retort $*"; echo "$OUT"; echo "$ERR"; } | note 30
	return 1
}

# has TEXT NEEDLE DESC
has() {
	case "$1" in
	*"$2"*) ok "$3" ;;
	*)
		notok "$3"
		{ echo "wanted: $2"; echo "got: $1"; } | note
		;;
	esac
}

# make_conf NAME PLUGINS-BLOCK: NAME = the conf `init` wrote + the block
make_conf() {
	cp "$T/retort.conf.orig" "$T/$1"
	printf '\n%s\n' "$2" >>"$T/$1"
}

# ---- project ----

if expect 0 "init writes a project" init migrations && [ -f retort.conf ]; then
	cp retort.conf retort.conf.orig
else
	echo "Bail out! retort init failed"
	exit 1
fi

# ---- exec formatter and jsonlog ----

make_conf retort.conf 'plugins = (
  { module = "exec"; kind = "formatter"; executable = "sed"; options = "-i s/XYZ/xyz/ REVISION_SCRIPT_FILENAME"; },
  { module = "jsonlog"; path = "events.log"; events = [ "migrate.*", "revision.*", "script.written" ]; }
);'

expect 0 "revision runs with the exec formatter and jsonlog" revision -m "first XYZ"
FIRST=$(ls migrations/versions/*.conf 2>/dev/null | head -1)
if [ -n "$FIRST" ] && [ -f "$FIRST" ]; then
	ok "revision wrote $FIRST"
	if grep -q 'first xyz' "$FIRST" && ! grep -q XYZ "$FIRST"; then
		ok "the formatter rewrote the file (XYZ -> xyz)"
	else
		notok "the formatter rewrote the file (XYZ -> xyz)"
		note <"$FIRST"
	fi
else
	notok "revision wrote a file in migrations/versions"
fi
REV=$(sed -n 's/^revision *= *"\([^"]*\)".*/\1/p' "${FIRST:-/dev/null}" | head -1)

LOG=$(cat events.log 2>/dev/null)
has "$LOG" '"event":"script.written"' "jsonlog recorded script.written"
has "$LOG" "\"path\":\"" "script.written carries the file's path"
: >events.log

expect 0 "upgrade head with the hooks" upgrade head
LOG=$(cat events.log 2>/dev/null)
SEQ=$(grep -o '"event":"[^"]*"' events.log 2>/dev/null | sed 's/"event":"\(.*\)"/\1/' | tr '\n' ' ')
has "$SEQ" "migrate.before revision.before revision.after migrate.after" "events logged in order: $SEQ"
has "$LOG" '"command":"upgrade"' "events carry the command"
has "$LOG" "\"revision\":\"$REV\"" "revision events carry the revision id ($REV)"
has "$LOG" '"direction":"upgrade"' "events carry the direction"
has "$LOG" '"outcome":"ok"' "revision.after carries outcome ok"
has "$LOG" '"duration_ms":' "events carry duration_ms"
has "$LOG" '"parents":[' "events carry parents as an array"
if [ "$(wc -l <events.log)" -ge 4 ] && ! grep -qv '^{.*}$' events.log; then
	ok "events.log holds one JSON object per line"
else
	notok "events.log holds one JSON object per line"
	note <events.log
fi
if command -v python3 >/dev/null 2>&1; then
	if python3 -c 'import json, sys
for line in open(sys.argv[1]):
    o = json.loads(line)
    assert isinstance(o["parents"], list) and "event" in o and "retort_version" in o' events.log 2>"$T/.py"; then
		ok "every line of events.log parses as JSON"
	else
		notok "every line of events.log parses as JSON"
		note <"$T/.py"
	fi
else
	skip "python3 not found: JSON not parsed"
fi

# ---- failing formatter ----

make_conf false.conf 'plugins = ( { module = "exec"; kind = "formatter"; executable = "false"; } );'
expect 1 "a failing formatter makes revision exit 1" -c false.conf revision -m "second"
SECOND=$(ls migrations/versions/*second*.conf 2>/dev/null | head -1)
if [ -n "$SECOND" ]; then
	ok "the file is kept ($SECOND)"
	has "$ERR" "$(basename "$SECOND")" "the error names the file"
else
	notok "the file is kept"
fi
has "$ERR" "exited with status 1" "the error gives the formatter's status"
rm -f migrations/versions/*second*

# ---- exec notify, good_notify and events globs ----

GOOD_SO="${RETORT_TEST_PLUGIN_DIR:-/nonexistent}/.libs/good_notify.so"
GOOD_DECL=""
if [ -f "$GOOD_SO" ]; then
	GOOD_DECL=",
  { module = \"$GOOD_SO\"; path = \"good.log\"; events = [ \"migrate.*\" ]; }"
fi
make_conf notify.conf 'plugins = (
  { module = "exec"; kind = "notify"; command = "cat > notify.json; env | grep ^RETORT_ > notify.env"; events = [ "migrate.after" ]; }'"$GOOD_DECL"'
);'
expect 0 "downgrade base with an exec notify hook" -c notify.conf downgrade base
has "$(cat notify.env 2>/dev/null)" "RETORT_EVENT=migrate.after" "exec notify got RETORT_EVENT"
has "$(cat notify.env 2>/dev/null)" "RETORT_COMMAND=downgrade" "exec notify got RETORT_COMMAND"
has "$(cat notify.json 2>/dev/null)" '"event":"migrate.after"' "exec notify got the JSON on stdin"
if [ -n "$GOOD_DECL" ]; then
	GOT=$(tr '\n' ' ' <good.log 2>/dev/null)
	if [ "$GOT" = "migrate.before migrate.after " ]; then
		ok "good_notify saw only the events its globs select"
	else
		notok "good_notify saw only the events its globs select (got: $GOT)"
	fi
else
	skip "RETORT_TEST_PLUGIN_DIR unset or good_notify not built"
fi

make_conf fatal.conf 'plugins = ( { module = "exec"; kind = "notify"; command = "echo stop here >&2; exit 3"; events = [ "migrate.before" ]; fatal = true; } );'
run -c fatal.conf upgrade head
if [ "$RC" != 0 ]; then ok "a fatal migrate.before hook stops upgrade (exit $RC)"; else notok "a fatal migrate.before hook stops upgrade"; fi
has "$ERR" "stop here" "the error shows the hook's stderr"
expect 0 "current after the stopped run" current
if [ -z "$OUT" ]; then ok "nothing was applied"; else notok "nothing was applied (current: $OUT)"; fi

# ---- broken modules ----

bad() { # NAME EXPECTED-FRAGMENT
	local so="$RETORT_TEST_PLUGIN_DIR/.libs/$1.so"
	if [ ! -f "$so" ]; then
		notok "$1: $so not built (make check builds tests/plugins)"
		return
	fi
	make_conf "$1.conf" "plugins = ( { module = \"$so\"; } );"
	if expect 2 "$1 is refused with exit 2" -c "$1.conf" upgrade head; then
		has "$ERR" "$2" "$1: the message says '$2'"
		has "$ERR" "retort: error:" "$1: reported as retort: error:"
	fi
}
if [ -n "${RETORT_TEST_PLUGIN_DIR:-}" ]; then
	bad bad_abi "ABI"
	bad bad_noentry "retort_plugin_entry"
	bad bad_small "too small"
	bad bad_kind "kind"
	bad bad_nomethod "connect"
	bad bad_initfail "init failed on purpose"
	bad bad_initleak "on purpose"
else
	skip "RETORT_TEST_PLUGIN_DIR unset: broken modules not tried"
fi

# unknown settings are the plugin's to refuse
make_conf typo.conf 'plugins = ( { module = "jsonlog"; pth = "x.log"; } );'
if expect 2 "a plugin refuses an unknown setting (exit 2)" -c typo.conf upgrade head; then
	has "$ERR" "unknown setting 'pth'" "the message names the setting"
fi

echo "1..$N"
[ "$FAILS" = 0 ]
