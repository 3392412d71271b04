#!/usr/bin/env bash
# The autogenerate workflow end to end, on every dialect, as a user runs it:
# init; declare a model (the target schema init points at); autogenerate;
# review the written revision; upgrade; change the model (add a column,
# rename one with renamed_from, add an index and a foreign key);
# autogenerate again; upgrade; `check` is clean; downgrade base; upgrade
# head; `check` is clean again.
. "$top_srcdir/tests/lib/common.sh"

model_v1() {
	cat <<'EOF'
tables = (
  { name = "author";
    columns = (
      { name = "id"; type = "integer"; primary_key = true; autoincrement = true; },
      { name = "name"; type = "varchar(100)"; nullable = false; }
    ); },
  { name = "book";
    columns = (
      { name = "id"; type = "integer"; primary_key = true; autoincrement = true; },
      { name = "title"; type = "varchar(200)"; nullable = false; },
      { name = "author_id"; type = "integer"; }
    ); }
);
EOF
}

# v2: author gains email (indexed) and name becomes full_name; book.author_id references author
model_v2() {
	cat <<'EOF'
tables = (
  { name = "author";
    columns = (
      { name = "id"; type = "integer"; primary_key = true; autoincrement = true; },
      { name = "full_name"; type = "varchar(100)"; nullable = false; renamed_from = "name"; },
      { name = "email"; type = "varchar(255)"; }
    );
    indexes = ( { columns = [ "email" ]; } ); },
  { name = "book";
    columns = (
      { name = "id"; type = "integer"; primary_key = true; autoincrement = true; },
      { name = "title"; type = "varchar(200)"; nullable = false; },
      { name = "author_id"; type = "integer"; }
    );
    foreign_keys = ( { columns = [ "author_id" ]; references = "author(id)"; on_delete = "cascade"; } ); }
);
EOF
}

scenario_walkthrough() {
	new_db || return
	local dir="$T_ROOT/walk_$D" f1 f2
	mkdir -p "$dir" && cd "$dir" || return
	export DATABASE_URL=$URL
	expect_rc 0 "init" init --dialect "$D" migrations
	expect_in "$(cat retort.conf)" 'target_schema = "migrations/schema.conf"' "init points target_schema at the model"
	model_v1 >migrations/schema.conf

	expect_rc 0 "autogenerate the model" revision --autogenerate -m "create model"
	f1=$(ls migrations/versions/*create_model.conf 2>/dev/null)
	check "the revision is written ($f1)" [ -f "$f1" ]
	expect_in "$(cat "$f1")" 'op = "create_table"; table = "author"' "review: it creates author"
	expect_in "$(cat "$f1")" 'op = "drop_table"; table = "book"' "review: its downgrade drops book"
	expect_rc 1 "check before upgrade: not at head, refused" check
	expect_rc 0 "upgrade" upgrade head
	expect_rc 0 "check after upgrade" check
	dbq "INSERT INTO author (name) VALUES ('Ursula')" >/dev/null
	dbq "INSERT INTO book (title, author_id) VALUES ('The Dispossessed', 1)" >/dev/null

	model_v2 >migrations/schema.conf
	expect_rc 1 "check sees the changed model" check
	expect_in "$OUT" 'new_name = "full_name"' "check lists the rename"
	expect_rc 0 "autogenerate the change" revision --autogenerate -m "email and fk"
	f2=$(ls migrations/versions/*email_and_fk.conf 2>/dev/null)
	check "the second revision is written ($f2)" [ -f "$f2" ]
	local body
	body=$(cat "$f2")
	expect_in "$body" 'column = "name"; new_name = "full_name"' "review: a rename, not drop + add"
	expect_not_in "$body" 'op = "drop_column"; table = "author"; column = "name"' "review: name is not dropped"
	expect_in "$body" 'op = "add_column"; table = "author"' "review: email is added"
	expect_in "$body" 'op = "create_index"' "review: the index is created"
	expect_in "$body" 'op = "create_foreign_key"' "review: the foreign key is created"
	expect_in "$body" 'ix_author_email' "review: the unnamed index is named by the policy"
	expect_rc 0 "upgrade the change" upgrade head
	expect_rc 0 "check is clean" check
	expect_eq "$(dbq "SELECT full_name FROM author")" "Ursula" "the renamed column kept its value"
	expect_eq "$(dbq "SELECT count(*) FROM book")" 1 "the book is kept"
	expect_rc 0 "revision --autogenerate with nothing to do" revision --autogenerate -m "nothing"
	expect_eq "$(ls migrations/versions/ | grep -c nothing)" 0 "nothing to do: nothing written"

	expect_rc 0 "downgrade base" downgrade base
	expect_eq "$(tables | grep -v '^retort_' | tr '\n' ' ')" "" "at base: no table but retort's"
	expect_rc 0 "upgrade head again" upgrade head
	expect_rc 0 "check is clean after the round trip" check
	unset DATABASE_URL
}

for_each_dialect scenario_walkthrough
finish
