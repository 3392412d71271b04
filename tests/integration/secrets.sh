#!/usr/bin/env bash
# No password is ever printed or handed to a hook: a password given as
# ?password= (libpq takes it) is masked in errors, `current -v`, the jsonlog
# file and the exec hook's environment and JSON; a password with an
# unencoded '/' is masked by the bad-URL message; %00 in a URL is refused.
. "$top_srcdir/tests/lib/common.sh"

no_secret() { # TEXT SECRET DESC
	expect_not_in "$1" "$2" "$3"
}

scenario_secrets() {
	new_project || { failed "database"; return; }
	table_rev a ""
	cat >>retort.conf <<'EOF2'
plugins = (
  { module = "jsonlog"; path = "events.log"; events = [ "migrate.*", "revision.*" ]; },
  { module = "exec"; kind = "notify"; command = "cat > notify.json; env | grep ^RETORT_ | grep -v ^RETORT_TEST_ > notify.env"; events = [ "migrate.after" ]; }
);
EOF2
	# every dialect: the URL parser's own refusals
	expect_rc 2 "a bad URL is refused" --url "postgresql://app:s3/cr3t-pw@db.invalid/x" current
	no_secret "$OUT$ERR" "cr3t-pw" "a password with an unencoded '/' is masked by the bad-URL message"
	expect_in "$ERR" "***" "the message shows where the password was"
	expect_rc 2 "%00 in the database name is refused" --url "${URL%%\?*}%00x" current
	expect_in "$ERR" "NUL" "the message says why"
	expect_rc 2 "%00 in the user is refused" --url "postgresql://a%00b@h/d" current
	case $D in
	postgresql)
		local secret=$U_PASS qurl="${URL/:$U_PASS@/@}?password=$U_PASS"
		export TEST_URL=$qurl
		expect_rc 0 "upgrade with ?password=" upgrade head
		no_secret "$OUT$ERR" "$secret" "upgrade prints no password"
		expect_rc 0 "current -v" current -v
		no_secret "$OUT$ERR" "$secret" "current -v prints no password"
		expect_in "$OUT" "password=***" "current -v shows the URL with the password masked"
		no_secret "$(cat events.log)" "$secret" "the jsonlog file holds no password"
		expect_in "$(cat events.log)" "password=***" "the jsonlog file has the masked URL"
		no_secret "$(cat notify.json notify.env)" "$secret" "the exec hook's JSON and environment hold no password"
		expect_in "$(cat notify.env)" "RETORT_DATABASE_URL=" "the exec hook got the URL"
		export TEST_URL="${URL/:$U_PASS@/@}?password=Wr0ng-s3cret"
		expect_rc 1 "a wrong ?password= fails to connect" current -v
		no_secret "$OUT$ERR" "Wr0ng-s3cret" "the connection error prints no password"
		;;
	mysql)
		export TEST_URL="${URL/:$U_PASS@/@}?password=Wr0ng-s3cret"
		run_rt current -v
		expect_eq "$([ "$RC" != 0 ] && echo refused)" "refused" "mysql refuses ?password= (it takes the password in the userinfo)"
		no_secret "$OUT$ERR" "Wr0ng-s3cret" "the refusal prints no password"
		;;
	esac
}

for_each_dialect scenario_secrets
finish
