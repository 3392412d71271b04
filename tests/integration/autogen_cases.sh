#!/usr/bin/env bash
# Autogenerate cases, on every dialect:
# - Alembic's blind spots (what its autogenerate misses or gets wrong), each
#   one detected by `check`, written by `revision --autogenerate`, applied,
#   and undone: renames (table, column), anonymous constraints, server
#   default changes, type changes of length and precision, and on SQLite the
#   changes its ALTER TABLE cannot make (rows kept through the rebuild);
# - include_tables / exclude_tables;
# - a `.sql` target and the equivalent `.conf` target write the same
#   revision.
. "$top_srcdir/tests/lib/common.sh"

blind_a() {
	cat <<'EOF'
tables = (
  { name = "item";
    columns = (
      { name = "id"; type = "integer"; primary_key = true; },
      { name = "label"; type = "varchar(50)"; nullable = false; },
      { name = "price"; type = "numeric(10,2)"; server_default = "0"; },
      { name = "qty"; type = "integer"; }
    ); }
);
EOF
}

# every blind spot at once: the revision must hold each of them
blind_b() {
	cat <<'EOF'
tables = (
  { name = "product"; renamed_from = "item";
    columns = (
      { name = "id"; type = "integer"; primary_key = true; },
      { name = "title"; type = "varchar(80)"; nullable = false; renamed_from = "label"; },
      { name = "price"; type = "numeric(12,4)"; server_default = "1"; },
      { name = "qty"; type = "integer"; nullable = false; server_default = "0"; }
    );
    uniques = ( { columns = [ "title" ]; } );
    checks = ( { expression = "qty >= 0"; } ); }
);
EOF
}

scenario_blind_spots() {
	new_project || return
	echo 'target_schema = "target.conf";' >>retort.conf
	blind_a >target.conf
	expect_rc 0 "autogenerate the start" -q revision --autogenerate -m start
	expect_rc 0 "upgrade to the start" -q upgrade head
	dbq "INSERT INTO item (id, label, price, qty) VALUES (1, 'bolt', 2.5, 3)" >/dev/null
	blind_b >target.conf
	expect_rc 1 "check sees the blind spots" check
	local out=$OUT
	expect_in "$out" 'op = "rename_table"; table = "item"; new_name = "product"' "blind spot: a table rename is a rename"
	expect_in "$out" 'column = "label"; new_name = "title"' "blind spot: a column rename is a rename"
	expect_not_in "$out" 'drop_column' "blind spot: no rename seen as drop + add"
	expect_in "$out" 'op = "create_unique_constraint"; name = "uq_product_title"' \
		"blind spot: an anonymous unique constraint gets the policy's name"
	expect_in "$out" 'op = "create_check_constraint"; name = "ck_product_' \
		"blind spot: an anonymous check gets a name"
	expect_in "$out" 'server_default = "1"' "blind spot: a server default change"
	expect_in "$out" 'type = "varchar(80)"' "blind spot: a type change of length"
	expect_in "$out" 'type = "numeric(12,4)"' "blind spot: a type change of precision"
	expect_in "$out" 'nullable = false' "blind spot: a nullability change"
	expect_rc 0 "autogenerate the blind spots" -q revision --autogenerate -m blind
	expect_rc 0 "upgrade (SQLite: table rebuilds)" -q upgrade head
	expect_rc 0 "check after the upgrade is clean" check
	expect_eq "$(dbq "SELECT id, title, qty FROM product")" "1|bolt|3" "the row is kept through the changes"
	dbq "INSERT INTO product (id, title) VALUES (2, 'nut')" >/dev/null
	expect_eq "$(dbq "SELECT price, qty FROM product WHERE id = 2" | sed 's/\.0*|/|/')" "1|0" \
		"the new server defaults apply"
	expect_rc 0 "downgrade the blind spots" -q downgrade -1
	dbq "DELETE FROM item WHERE id = 2" >/dev/null
	mkdir -p attic && mv migrations/versions/*_blind.conf attic/
	blind_a >target.conf
	expect_rc 0 "check after the downgrade is clean" check
	expect_eq "$(dbq "SELECT id, label, qty FROM item")" "1|bolt|3" "the row is back where it was"
}

scenario_include_exclude() {
	new_project || return
	echo 'target_schema = "target.conf";' >>retort.conf
	cat >target.conf <<'EOF'
tables = ( { name = "app_user"; columns = ( { name = "id"; type = "integer"; primary_key = true; } ); } );
EOF
	expect_rc 0 "autogenerate" -q revision --autogenerate -m users
	expect_rc 0 "upgrade" -q upgrade head
	dbq "CREATE TABLE legacy_orders (id integer PRIMARY KEY)" >/dev/null
	expect_rc 1 "a table outside the model is drift" check
	expect_in "$OUT" 'op = "drop_table"; table = "legacy_orders"' "check would drop it"
	cp retort.conf retort.conf.orig
	echo 'exclude_tables = [ "legacy_*" ];' >>retort.conf
	expect_rc 0 "exclude_tables: the legacy table is not compared" check
	cp retort.conf.orig retort.conf
	echo 'include_tables = [ "app_*" ];' >>retort.conf
	expect_rc 0 "include_tables: only app_* is compared" check
	cat >target.conf <<'EOF'
tables = ( { name = "app_user"; columns = ( { name = "id"; type = "integer"; primary_key = true; },
                                            { name = "email"; type = "text"; } ); } );
EOF
	expect_rc 1 "include_tables: a change of an included table is still seen" check
	expect_in "$OUT" 'op = "add_column"; table = "app_user"' "the included table's change is listed"
	expect_not_in "$OUT" 'legacy_orders' "the excluded table is not"
}

# what no operation can write yet (a column's autoincrement, an enum's
# values) is not passed over: check and autogenerate fail and name it
scenario_not_written() {
	new_project || return
	echo 'target_schema = "target.conf";' >>retort.conf
	local plain='tables = ( { name = "ticket"; columns = ( { name = "id"; type = "integer"; primary_key = true; },
                                            { name = "body"; type = "text"; } ); } );'
	echo "$plain" >target.conf
	expect_rc 0 "autogenerate the table" -q revision --autogenerate -m plain
	expect_rc 0 "upgrade" -q upgrade head
	sed 's/primary_key = true;/primary_key = true; autoincrement = true;/' <<<"$plain" >target.conf
	expect_rc 1 "autoincrement turned on: check fails" check
	expect_in "$ERR" "table ticket: column id: its autoincrement differs" "check names the autoincrement change"
	expect_rc 1 "autoincrement turned on: autogenerate refuses" -q revision --autogenerate -m autoinc
	expect_eq "$(ls migrations/versions | grep -c autoinc)" 0 "nothing is written"
	[ "$D" = postgresql ] || return 0
	cat >target.conf <<'EOF'
enums = ( { name = "mood"; values = [ "sad", "ok" ]; } );
tables = ();
EOF
	expect_rc 0 "autogenerate an enum" -q revision --autogenerate -m mood
	expect_rc 0 "upgrade" -q upgrade head
	sed 's/"ok" ]/"ok", "happy" ]/' -i target.conf
	expect_rc 1 "an enum value added: check fails" check
	expect_in "$ERR" "enum type mood: its values differ (database: sad, ok; target: sad, ok, happy)" \
		"check names the enum change"
}

# the same model, as .conf and as CREATE statements.  PostgreSQL names an
# unnamed primary key TABLE_pkey: the equivalent .conf says so.
model_conf() {
	local pk1='primary_key = { columns = [ "id" ]; };' pk2='primary_key = { columns = [ "id" ]; };'
	if [ "$D" = postgresql ]; then
		pk1='primary_key = { name = "team_pkey"; columns = [ "id" ]; };'
		pk2='primary_key = { name = "player_pkey"; columns = [ "id" ]; };'
	fi
	sed -e "s/@PK1@/$pk1/" -e "s/@PK2@/$pk2/" <<'EOF'
tables = (
  { name = "team";
    columns = (
      { name = "id"; type = "integer"; nullable = false; },
      { name = "name"; type = "varchar(60)"; nullable = false; }
    );
    @PK1@
    uniques = ( { name = "uq_team_name"; columns = [ "name" ]; } ); },
  { name = "player";
    columns = (
      { name = "id"; type = "integer"; nullable = false; },
      { name = "team_id"; type = "integer"; nullable = false; },
      { name = "score"; type = "integer"; nullable = false; server_default = "0"; },
      { name = "nick"; type = "varchar(30)"; }
    );
    @PK2@
    indexes = ( { name = "ix_player_nick"; columns = [ "nick" ]; } );
    foreign_keys = ( { name = "fk_player_team"; columns = [ "team_id" ]; references = "team(id)";
                       on_delete = "cascade"; } );
    checks = ( { name = "ck_player_score"; expression = "score >= 0"; } ); }
);
EOF
}

model_sql() {
	cat <<'EOF'
CREATE TABLE team (
  id integer NOT NULL PRIMARY KEY,
  name varchar(60) NOT NULL,
  CONSTRAINT uq_team_name UNIQUE (name)
);
CREATE TABLE player (
  id integer NOT NULL PRIMARY KEY,
  team_id integer NOT NULL,
  score integer NOT NULL DEFAULT 0,
  nick varchar(30),
  CONSTRAINT fk_player_team FOREIGN KEY (team_id) REFERENCES team (id) ON DELETE CASCADE,
  CONSTRAINT ck_player_score CHECK (score >= 0)
);
CREATE INDEX ix_player_nick ON player (nick);
EOF
}

# the revision's operations: its upgrade and downgrade, without the id, message and date.
# MariaDB gives back a check's expression with its identifiers quoted (`score` >= 0): the
# same SQL, compared without the backquotes.
ops_of() { sed -n "/^upgrade/,\$p" "$1" | if [ "$D" = mysql ]; then tr -d '`'; else cat; fi; }

scenario_sql_conf() {
	new_project || return
	local main=$URL dev
	if [ "$D" != sqlite ]; then
		new_db || return
		dev=$URL
		URL=$main
		url_split "$URL"
		echo "dev_url = \"$dev\";" >>retort.conf
	fi
	model_conf >model.conf
	model_sql >model.sql
	cp retort.conf retort.conf.orig
	echo 'target_schema = "model.conf";' >>retort.conf
	expect_rc 0 "autogenerate from the .conf target" -q revision --autogenerate -m from_conf
	mkdir -p attic && mv migrations/versions/*_from_conf.conf attic/conf.conf
	cp retort.conf.orig retort.conf
	echo 'target_schema = "model.sql";' >>retort.conf
	expect_rc 0 "autogenerate from the .sql target" -q revision --autogenerate -m from_sql
	if [ "$RC" != 0 ]; then echo "$ERR" | sed 's/^/#   /'; fi
	local sqlf
	sqlf=$(ls migrations/versions/*_from_sql.conf 2>/dev/null)
	expect_in "$(ops_of attic/conf.conf)" 'op = "create_table"; table = "player"' "the .conf target's revision creates the tables"
	expect_eq "$(ops_of "$sqlf")" "$(ops_of attic/conf.conf)" "the .sql and the .conf target write the same revision"
	diff <(ops_of attic/conf.conf) <(ops_of "$sqlf") | sed 's/^/#   /' | head -20
	expect_rc 0 "upgrade the .sql one" -q upgrade head
	expect_rc 0 "check against the .sql target" check
	cp retort.conf.orig retort.conf
	echo 'target_schema = "model.conf";' >>retort.conf
	expect_rc 0 "check against the .conf target" check
}

for_each_dialect scenario_blind_spots
for_each_dialect scenario_include_exclude
for_each_dialect scenario_not_written
for_each_dialect scenario_sql_conf
finish
