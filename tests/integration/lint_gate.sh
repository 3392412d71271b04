#!/usr/bin/env bash
# The lint_on gate: with "revision", a script that breaks an error rule is
# not written; with "upgrade", a pending revision that breaks one stops
# the run before anything changes in the database (on every database),
# and its `allow` lets it through.
. "$top_srcdir/tests/lib/common.sh"

gate_project() {
	new_project || return 1
	cat >>retort.conf <<'EOF'
plugins = ( { module = "lint"; } );
EOF
}

scenario_gate_revision() {
	gate_project || { failed "database"; return; }
	echo 'lint_on = [ "revision" ];' >>retort.conf
	# the project's template writes a table without a primary key
	cat >migrations/template.conf <<'EOF'
revision = {{revision}};
down_revision = {{down_revision}};
message = {{message_q}};
upgrade = (
  { op = "create_table"; table = "nokey"; columns = ( { name = "x"; type = "integer"; } ); }
);
downgrade = ( { op = "drop_table"; table = "nokey"; } );
EOF
	expect_rc 1 "revision: a script breaking a rule is refused" revision -m "no key" --rev-id r1
	expect_in "$OUT$ERR" "error: primary_key: " "the violation is shown"
	expect_in "$ERR" "the revision was not written" "and says nothing was written"
	expect_eq "$(ls migrations/versions)" "" "no file was written"
	sed -i 's/type = "integer"; }/type = "integer"; primary_key = true; }/' migrations/template.conf
	expect_rc 0 "revision: a clean script is written" revision -m "key" --rev-id r2
	expect_eq "$(ls migrations/versions)" "r2_key.conf" "the file is there"
	# without lint_on the gate is off
	sed -i '/^lint_on/d' retort.conf
	sed -i 's/primary_key = true; }/}/' migrations/template.conf
	expect_rc 0 "without lint_on, revision writes whatever the template says" revision -m "off" --rev-id r3
}

scenario_gate_upgrade() {
	gate_project || { failed "database"; return; }
	echo 'lint_on = [ "upgrade" ];' >>retort.conf
	table_rev a ""
	rev b a "drop" '{ op = "drop_table"; table = "t_a"; }' \
		'{ op = "create_table"; table = "t_a"; columns = ( { name = "id"; type = "integer"; primary_key = true; } ); }'
	expect_rc 1 "upgrade: a pending revision breaking a rule stops the run" upgrade head
	expect_in "$ERR" "b.conf:4: error: destructive: " "the violation with its file and line"
	expect_in "$ERR" "nothing was run" "and says nothing ran"
	expect_eq "$(tables | tr '\n' ' ')" "" "nothing changed in the database (not even the version table)"
	expect_rc 0 "upgrade to the clean revision runs" upgrade a
	expect_eq "$(versions)" "a" "at a"
	expect_rc 1 "upgrade head is still stopped" upgrade head
	expect_eq "$(versions)" "a" "still at a"
	expect_eq "$(tables | grep -c '^t_a$')" "1" "t_a is still there"
	rev b a "drop" '{ op = "drop_table"; table = "t_a"; allow = "destructive"; }' \
		'{ op = "create_table"; table = "t_a"; columns = ( { name = "id"; type = "integer"; primary_key = true; } ); }'
	expect_rc 0 "the revision opted in: upgrade runs" upgrade head
	expect_eq "$(versions)" "b" "at b"
	expect_rc 0 "downgrade is not gated" downgrade base
}

# a policy's own `enforce` (retort.conf(5)'s sample: forbid_destructive, enforce = "upgrade")
scenario_enforce() {
	new_project || { failed "database"; return; }
	echo 'plugins = ( { module = "lint"; forbid_destructive = true; enforce = "upgrade"; } );' >>retort.conf
	table_rev a ""
	rev b a "drop" '{ op = "drop_table"; table = "t_a"; }' \
		'{ op = "create_table"; table = "t_a"; columns = ( { name = "id"; type = "integer"; primary_key = true; } ); }'
	expect_rc 1 "enforce = \"upgrade\" gates upgrade without lint_on" upgrade head
	expect_in "$ERR" "error: destructive: " "the violation is shown"
	expect_eq "$(tables | tr '\n' ' ')" "" "nothing changed in the database"
	expect_rc 0 "enforce does not gate revision" revision -m "next" --rev-id c
	sed -i 's/enforce = "upgrade"/enforce = [ "nosuch" ]/' retort.conf
	expect_rc 2 "an unknown enforce value is refused" heads
	expect_in "$ERR" "enforce: unknown command 'nosuch'" "naming it"
}

for_each_dialect scenario_gate_revision
for_each_dialect scenario_gate_upgrade
for_each_dialect scenario_enforce
finish
