#!/usr/bin/env bash
# The syslog notify hook: one line per event, with its facility and ident,
# the payload's key fields and never the password, received through a
# datagram Unix socket this test binds itself (the hook's `socket`
# setting), so no syslog daemon and no root are needed.
. "$top_srcdir/tests/lib/common.sh"

# listen PATH OUT: receive datagrams on PATH, one line each into OUT, until killed
listen() {
	python3 -c 'import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1] + ".tmp")
os.rename(sys.argv[1] + ".tmp", sys.argv[1])   # the path appears only once bound
with open(sys.argv[2], "ab", buffering=0) as f:
    while True:
        f.write(s.recv(65536) + b"\n")' "$1" "$2" &
	LISTENER=$!
	for _ in $(seq 1 600); do [ -S "$1" ] && return 0; sleep 0.1; done
	return 1
}

scenario_syslog() {
	new_project || { failed "database"; return; }
	local sock=$PWD/log.sock pw
	listen "$sock" "$PWD/received" || { failed "the test's log socket"; return; }
	cat >>retort.conf <<EOF2
plugins = ( { module = "syslog"; ident = "retort-test"; facility = "local3"; socket = "$sock"; events = [ "*" ]; } );
EOF2
	table_rev a ""
	expect_rc 0 "upgrade with the syslog hook" upgrade head
	rev b a "broken" '{ op = "execute"; sql = "SELECT * FROM no_such_table_here"; }' '{ op = "execute"; sql = "SELECT 1"; }'
	expect_rc 1 "a failing upgrade" upgrade head
	sleep 0.5
	kill "$LISTENER" 2>/dev/null; wait "$LISTENER" 2>/dev/null
	local got
	got=$(cat received 2>/dev/null)
	# local3 = 19: info 19*8+6 = 158, err 19*8+3 = 155
	expect_in "$got" "<158>" "facility local3 at severity info"
	expect_in "$got" "<155>" "errors at severity err"
	expect_in "$got" " retort-test[" "the ident"
	expect_in "$got" "]: event=migrate.before run_id=" "the event first, then its fields"
	expect_in "$got" "event=revision.after " "revision.after"
	expect_in "$got" "revision=a " "the revision"
	expect_in "$got" "direction=upgrade" "the direction"
	expect_in "$got" "outcome=ok" "the outcome"
	expect_in "$got" "command=upgrade" "the command"
	expect_in "$got" "dialect=$D" "the dialect"
	expect_in "$got" "event=migrate.error" "migrate.error"
	expect_in "$got" 'error="' "the error, quoted"
	expect_eq "$(grep -c 'event=' received)" "$(grep -c '' received)" "one line per event"
	expect_eq "$(grep -c '^<' received)" "$(grep -c '' received)" "each line a whole syslog message"
	expect_eq "$(grep -c 'event=migrate.before' received)" 2 "one migrate.before per run"
	case $D in
	sqlite) pw="" ;;
	*)
		url_split "$URL"
		pw=$U_PASS
		expect_in "$got" "url=${D}://${U_USER}:***@" "the URL, masked"
		if contains "$got" "$pw"; then failed "the password is never sent"; else pass "the password is never sent"; fi
		;;
	esac
}

# settings are checked
scenario_settings() {
	new_project || { failed "database"; return; }
	cp retort.conf base.conf
	echo 'plugins = ( { module = "syslog"; facility = "local9"; } );' >>retort.conf
	expect_rc 2 "an unknown facility is refused" current
	expect_in "$ERR" "retort.conf:" "naming the file"
	expect_in "$ERR" "unknown facility 'local9'" "and the facility"
	cp base.conf retort.conf
	echo 'plugins = ( { module = "syslog"; idnet = "x"; } );' >>retort.conf
	expect_rc 2 "an unknown setting is refused" current
	expect_in "$ERR" "unknown setting 'idnet'" "naming it"
	cp base.conf retort.conf
	echo "plugins = ( { module = \"syslog\"; socket = \"$PWD/nobody-listens\"; events = [ \"migrate.before\" ]; } );" >>retort.conf
	table_rev a ""
	expect_rc 0 "a log socket nobody listens on is reported, and the run goes on" upgrade head
	expect_in "$ERR" "cannot write to the log socket" "the failure is reported"
}

for_each_dialect scenario_syslog
RETORT_TEST_DIALECTS=sqlite for_each_dialect scenario_settings
finish
