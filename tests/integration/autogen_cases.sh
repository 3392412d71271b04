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

# Alembic's blind spots that need what retort_op cannot carry: a column's
# autoincrement turned on (and back off by the downgrade), on every
# dialect; an enum type's values (PostgreSQL): a value added is one
# ALTER TYPE ... ADD VALUE, run outside any transaction (online and in
# --sql), usable by what follows it; a value removed rebuilds the type,
# and a row holding that value fails the upgrade, which rolls back.
scenario_autoincrement_enum() {
	new_project || return
	echo 'target_schema = "target.conf";' >>retort.conf
	local plain='tables = ( { name = "ticket"; columns = ( { name = "id"; type = "integer"; primary_key = true; },
                                            { name = "body"; type = "text"; } ); } );' f head
	echo "$plain" >target.conf
	expect_rc 0 "autogenerate the table" -q revision --autogenerate -m plain
	expect_rc 0 "upgrade" -q upgrade head
	dbq "INSERT INTO ticket (id, body) VALUES (3, 'kept')" >/dev/null
	sed 's/primary_key = true;/primary_key = true; autoincrement = true;/' <<<"$plain" >target.conf
	expect_rc 1 "autoincrement turned on: check sees it" check
	expect_in "$OUT" 'autoincrement = true; existing_autoincrement = false;' "check lists the alter_column"
	expect_rc 0 "autoincrement turned on: autogenerate writes it" -q revision --autogenerate -m autoinc
	f=$(ls migrations/versions/*_autoinc.conf 2>/dev/null)
	expect_in "$(cat "$f" 2>/dev/null)" 'column = "id";' "the revision alters ticket.id"
	expect_rc 0 "upgrade" -q upgrade head
	expect_rc 0 "check: the live column is autoincrement" check
	dbq "INSERT INTO ticket (body) VALUES ('new')" >/dev/null
	expect_eq "$(dbq "SELECT id FROM ticket WHERE body = 'new'")" 4 "a row without an id gets the next one"
	expect_rc 0 "downgrade" -q downgrade -1
	mkdir -p attic && mv "$f" attic/
	echo "$plain" >target.conf
	expect_rc 0 "check after the downgrade: autoincrement is off again" check
	expect_eq "$(dbq "SELECT count(*) FROM ticket")" 2 "the rows are kept"
	[ "$D" = postgresql ] || return 0

	cat >target.conf <<'EOF'
enums = ( { name = "mood"; values = [ "sad", "ok" ]; } );
tables = ( { name = "diary"; columns = ( { name = "id"; type = "integer"; primary_key = true; },
                                          { name = "m"; type = "mood"; server_default = "'ok'"; } ); } );
EOF
	expect_rc 0 "autogenerate an enum" -q revision --autogenerate -m mood
	expect_rc 0 "upgrade" -q upgrade head
	sed 's/"ok" ]/"ok", "happy" ]/' -i target.conf
	expect_rc 1 "an enum value added: check sees it" check
	expect_in "$OUT" 'op = "add_enum_value"; name = "mood"; value = "happy";' "check lists the add_enum_value"
	expect_rc 0 "an enum value added: autogenerate writes it" -q revision --autogenerate -m happy
	f=$(ls migrations/versions/*_happy.conf 2>/dev/null)
	expect_in "$(cat "$f" 2>/dev/null)" 'op = "alter_enum"; name = "mood"; values = [ "sad", "ok" ];' \
		"its downgrade rebuilds the type with the values before"
	expect_in "$(cat "$f" 2>/dev/null)" "# data loss: enum type mood loses 'happy'" "the downgrade is marked as data loss"
	# offline: the ADD VALUE between a COMMIT and a BEGIN, outside any transaction block
	run_rt upgrade head --sql
	expect_eq "$(grep -v '^$' <<<"$OUT" | grep -B1 -A1 "^ALTER TYPE mood ADD VALUE 'happy';" | tr '\n' ' ')" \
		"COMMIT; ALTER TYPE mood ADD VALUE 'happy'; BEGIN; " "--sql: ADD VALUE runs outside BEGIN/COMMIT"
	# the value is used by the next revision, and in the same one, in one run (one transaction for the run)
	head=$(sed -n 's/^revision = "\(.*\)";/\1/p' "$f")
	rev use1 "$head" "use happy" "{ op = \"execute\"; sql = \"INSERT INTO diary (id, m) VALUES (1, 'happy')\"; }" \
		'{ op = "execute"; sql = "DELETE FROM diary WHERE id = 1"; }'
	rev use2 use1 "add and use glad" "{ op = \"add_enum_value\"; name = \"mood\"; value = \"glad\"; before = \"ok\"; },
		{ op = \"execute\"; sql = \"INSERT INTO diary (id, m) VALUES (2, 'glad')\"; }" \
		'{ op = "execute"; sql = "DELETE FROM diary WHERE id = 2"; },
		{ op = "alter_enum"; name = "mood"; values = [ "sad", "ok", "happy" ]; }'
	expect_rc 0 "upgrade: add a value, then use it (next revision and same revision)" -q upgrade head
	expect_eq "$(dbq "SELECT string_agg(m::text, ',' ORDER BY id) FROM diary")" "happy,glad" "the rows hold the new values"
	expect_eq "$(dbq "SELECT enum_range(NULL::mood)::text")" "{sad,glad,ok,happy}" "glad went before ok"
	expect_rc 0 "downgrade the hand-written revision (alter_enum rebuilds the type)" -q downgrade -1
	expect_eq "$(dbq "SELECT enum_range(NULL::mood)::text")" "{sad,ok,happy}" "glad is gone"
	expect_eq "$(dbq "SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = 'diary'::regclass")" \
		"'ok'::mood" "the column's default came through the rebuild"
	# a value removed while a row holds it: the upgrade fails and rolls back
	mv migrations/versions/use2.conf attic/
	sed 's/"sad", "ok", "happy" ]/"sad", "ok" ]/' -i target.conf
	expect_rc 0 "a value removed: autogenerate writes a rebuild" -q revision --autogenerate -m unhappy
	f=$(ls migrations/versions/*_unhappy.conf 2>/dev/null)
	expect_in "$(cat "$f" 2>/dev/null)" "# data loss: enum type mood loses 'happy'" "the upgrade is marked as data loss"
	expect_rc 1 "a row holds the value removed: the upgrade fails" -q upgrade head
	expect_in "$ERR" 'invalid input value for enum' "the database's message is shown"
	expect_eq "$(versions)" use1 "the database stays at the revision before"
	expect_eq "$(dbq "SELECT enum_range(NULL::mood)::text")" "{sad,ok,happy}" "the type is untouched"
	dbq "DELETE FROM diary" >/dev/null
	expect_rc 0 "without that row, the same upgrade passes" -q upgrade head
	expect_rc 0 "check" check
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
for_each_dialect scenario_autoincrement_enum
for_each_dialect scenario_sql_conf
finish
