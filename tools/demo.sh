#!/usr/bin/env bash
# The README's first command: install what is missing, build, and migrate
# an embedded SQLite database up and down with the freshly built retort.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/tools/deps.sh"
cd "$here"
[ -x configure ] || ./autogen.sh >/dev/null
[ -f Makefile ] || ./configure -q
make -s -j"$(nproc)"
export RETORT_PLUGIN_PATH="$here/plugins:$here/hooks"
demo=$(mktemp -d /tmp/retort-demo-XXXXXX)
cd "$demo"
"$here/retort" init migrations
"$here/retort" revision -m "create account" --rev-id 1975ea83b712
cat > migrations/versions/1975ea83b712_create_account.conf <<'CONF'
revision = "1975ea83b712";
message = "create account";
upgrade = (
  { op = "create_table"; table = "account";
    columns = ( { name = "id"; type = "integer"; primary_key = true; },
                { name = "name"; type = "varchar(50)"; nullable = false; } ); }
);
downgrade = ( { op = "drop_table"; table = "account"; } );
CONF
"$here/retort" revision -m "add email" --rev-id ae1027a6acf0
cat > migrations/versions/ae1027a6acf0_add_email.conf <<'CONF'
revision = "ae1027a6acf0";
down_revision = "1975ea83b712";
message = "add email";
upgrade = (
  { op = "add_column"; table = "account";
    column = { name = "email"; type = "varchar(255)"; nullable = true; }; },
  { op = "create_index"; name = "ix_account_email"; table = "account"; columns = [ "email" ]; unique = true; }
);
downgrade = (
  { op = "drop_index"; name = "ix_account_email"; table = "account"; },
  { op = "drop_column"; table = "account"; column = "email"; }
);
CONF
"$here/retort" upgrade head
"$here/retort" current
"$here/retort" history
sqlite3 app.db .schema
"$here/retort" downgrade base
"$here/retort" upgrade head --sql | head -20
echo "demo: done in $demo"
