#!/usr/bin/env bash
# Naming conventions name every object retort names, as the Alembic
# naming-convention guide's templates say: the primary key, unique
# constraints (table-level and a column's unique = true), foreign keys and
# checks declared inside create_table, standalone indexes and checks, and a
# named check becomes ck_<table>_<name>; online and through --sql, read back
# from each database's catalog.
. "$top_srcdir/tests/lib/common.sh"
. "$top_srcdir/tests/lib/catalog.sh"

CONVENTION='plugins = ( { module = "convention"; ix = "ix_%(column_0_label)s"; uq = "uq_%(table_name)s_%(column_0_name)s";
	ck = "ck_%(table_name)s_%(constraint_name)s"; fk = "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s";
	pk = "pk_%(table_name)s"; } );'

write_revs() {
	echo "$CONVENTION" >>retort.conf
	rev a "" "tables" \
		'{ op = "create_table"; table = "org"; columns = ( { name = "id"; type = "integer"; primary_key = true; } ); },
		 { op = "create_table"; table = "account";
		   columns = ( { name = "id"; type = "integer"; primary_key = true; },
		               { name = "email"; type = "varchar(100)"; unique = true; },
		               { name = "name"; type = "varchar(50)"; },
		               { name = "org_id"; type = "integer"; },
		               { name = "balance"; type = "integer"; } );
		   unique = ( { columns = [ "name" ]; } );
		   foreign_keys = ( { columns = [ "org_id" ]; references = "org(id)"; } );
		   checks = ( { name = "positive"; expression = "balance >= 0"; } ); },
		 { op = "create_index"; table = "account"; columns = [ "name", "org_id" ]; }' \
		'{ op = "drop_table"; table = "account"; }, { op = "drop_table"; table = "org"; }'
	rev b a "a named check" \
		'{ op = "create_check_constraint"; table = "account"; name = "short_name"; expression = "length(name) < 40"; }' \
		'{ op = "drop_constraint"; table = "account"; name = "short_name"; type = "check"; }'
}

# the names the templates give, as each catalog reports them (MySQL names every primary key PRIMARY)
want_account() {
	local pk
	pk=$(pick "" "pk_account:p " "PRIMARY:p ")
	case $D in
	mysql) printf 'ck_account_positive:c %sfk_account_org_id_org:f %suq_account_email:u uq_account_name:u' "$1" "$pk" ;;
	*) printf 'ck_account_positive:c %sfk_account_org_id_org:f %suq_account_email:u uq_account_name:u' "$1" "$pk" ;;
	esac
}

check_names() {
	local how=$1 extra=$2
	expect_eq "$(constraints account)" "$(want_account "$extra")" "$how: account's constraints named by the templates"
	expect_eq "$(constraints org)" "$(pick "" "pk_org:p" "PRIMARY:p")" "$how: org's primary key"
	expect_eq "$(indexes account)" "ix_account_name" "$how: the index named by ix"
	if [ "$D" = sqlite ]; then
		local sql
		sql=$(dbq "SELECT sql FROM sqlite_master WHERE name = 'account'")
		expect_in "$sql" "CONSTRAINT pk_account PRIMARY KEY" "$how: primary key named pk_account"
		expect_in "$(dbq "SELECT sql FROM sqlite_master WHERE name = 'org'")" "CONSTRAINT pk_org PRIMARY KEY" "$how: pk_org"
	fi
}

scenario_naming() {
	new_project || { failed "database"; return; }
	write_revs
	expect_rc 0 "online: upgrade head" upgrade head
	check_names online "ck_account_short_name:c "
	expect_rc 0 "online: downgrade a (drops ck_account_short_name)" downgrade a
	check_names "online, downgraded" ""
	expect_rc 0 "online: downgrade base" downgrade base
	expect_eq "$(user_tables)" "" "online: back at base"

	# offline: SQLite adds a check by a table rebuild, which needs the live database
	local to=head extra="ck_account_short_name:c "
	[ "$D" = sqlite ] && to=a && extra=""
	new_project || { failed "database"; return; }
	write_revs
	expect_rc 0 "offline: upgrade $to --sql" upgrade $to --sql
	printf '%s\n' "$OUT" >"$T_ROOT/naming.sql"
	check "offline: the script runs in the database's own client" dbfile "$T_ROOT/naming.sql"
	check_names offline "$extra"
}

# A name longer than the dialect's max_identifier_length is refused with
# file:line before anything runs: PostgreSQL would cut it to 63 bytes and
# MariaDB refuse it only halfway through a run.  Counted in characters, so
# 64 two-byte characters pass MariaDB's limit of 64.  Offline (--sql): no
# server needed.
scenario_long_names() {
	local d url max long ok
	for d in postgresql mysql; do
		case $d in
		postgresql) url="postgresql://u@localhost/none" max=63 ;;
		mysql) url="mysql://u@localhost/none" max=64 ;;
		esac
		P="$T_ROOT/long_$d"
		mkdir -p "$P/migrations/versions"
		cd "$P" || return
		printf 'script_location = "migrations";\ndatabase = { url = "%s"; };\n' "$url" >retort.conf
		long=$(printf 't%.0s' $(seq $((max + 1))))
		ok=$(printf 'é%.0s' $(seq $max))
		rev a "" "long" "{ op = \"create_table\"; table = \"t\"; columns = (
			{ name = \"id\"; type = \"integer\"; primary_key = true; },
			{ name = \"$long\"; type = \"integer\"; } ); }" '{ op = "drop_table"; table = "t"; }'
		D=$d expect_rc 2 "a column name of $((max + 1)) characters is refused" upgrade head --sql
		D=$d expect_in "$ERR" "a.conf:3: the name '$long' is $((max + 1)) characters long; $d keeps at most $max" \
			"the refusal names the file, the line, the name and the limit"
		rev a "" "long" "{ op = \"create_table\"; table = \"t\"; columns = (
			{ name = \"id\"; type = \"integer\"; primary_key = true; },
			{ name = \"$ok\"; type = \"integer\"; } ); }" '{ op = "drop_table"; table = "t"; }'
		D=$d expect_rc 0 "a column name of $max two-byte characters is accepted" upgrade head --sql
	done
}

scenario_long_names
for_each_dialect scenario_naming
finish
