# Shared helpers for the integration tests (bash).  Each test script:
#
#   . "$top_srcdir/tests/lib/common.sh"
#   scenario_x() { ...uses $D (dialect), $URL, rt, dbq, check... }
#   for_each_dialect scenario_x
#   finish
#
# Dialects: sqlite always; postgresql when RETORT_TEST_PG_URL is set, mysql
# when RETORT_TEST_MYSQL_URL is set (tests/lib/servers.sh sets both).  A
# dialect without a server is reported as SKIPPED; under CI=true a skip
# fails the script.  RETORT_TEST_DIALECTS restricts the list.

set -u
: "${RETORT:?RETORT must name the retort binary}"
: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"

T_PASS=0
T_FAIL=0
T_SKIP=0
T_NUM=0
T_NAME=$(basename "$0" .sh)
T_ROOT=$(mktemp -d "/tmp/retort-it-${T_NAME}-XXXXXX")
trap 'rm -rf "$T_ROOT"' EXIT
# retort's header cache goes to $XDG_CACHE_HOME/retort: the test's own, removed with it
export XDG_CACHE_HOME="$T_ROOT/xdg"

# retort under valgrind when RETORT_VALGRIND=1
rt() {
	if [ "${RETORT_VALGRIND:-0}" = 1 ]; then
		valgrind -q --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
			--error-exitcode=99 --suppressions="$top_srcdir/tests/lib/valgrind.supp" "$RETORT" "$@"
	else
		"$RETORT" "$@"
	fi
}

pass() { T_NUM=$((T_NUM + 1)); T_PASS=$((T_PASS + 1)); echo "ok $T_NUM - ${D:-}: $*"; }
failed() { T_NUM=$((T_NUM + 1)); T_FAIL=$((T_FAIL + 1)); echo "not ok $T_NUM - ${D:-}: $*"; }

# check DESCRIPTION COMMAND...: passes when the command succeeds
check() {
	local desc=$1
	shift
	if "$@"; then pass "$desc"; else failed "$desc"; fi
}

# run_rt: runs retort, leaving $OUT, $ERR and $RC
run_rt() {
	rt "$@" >"$T_ROOT/out" 2>"$T_ROOT/err"
	RC=$?
	OUT=$(cat "$T_ROOT/out")
	ERR=$(cat "$T_ROOT/err")
	return 0
}

# expect_rc N DESC ARGS...: retort ARGS exits N
expect_rc() {
	local want=$1 desc=$2
	shift 2
	run_rt "$@"
	if [ "$RC" = "$want" ]; then
		pass "$desc"
	else
		failed "$desc (exit $RC, wanted $want)"
		echo "#   retort $*"
		echo "$OUT" | sed 's/^/#   out: /' | head -20
		echo "$ERR" | sed 's/^/#   err: /' | head -20
	fi
}

contains() { case "$1" in *"$2"*) return 0 ;; *) return 1 ;; esac; }
# expect_in HAYSTACK NEEDLE DESC
expect_in() {
	if contains "$1" "$2"; then pass "$3"; else
		failed "$3"
		echo "#   wanted: $2"
		echo "$1" | sed 's/^/#   got: /' | head -20
	fi
}
expect_not_in() {
	if contains "$1" "$2"; then
		failed "$3"
		echo "#   unwanted: $2"
		echo "$1" | sed 's/^/#   got: /' | head -20
	else pass "$3"; fi
}
expect_eq() {
	if [ "$1" = "$2" ]; then pass "$3"; else
		failed "$3"
		echo "#   wanted: $(printf '%s' "$2" | head -20)"
		echo "#   got:    $(printf '%s' "$1" | head -20)"
	fi
}

# ---- databases ----

. "$top_srcdir/tests/lib/url.sh"

# The real psql: Debian's /usr/bin/psql is a Perl wrapper (pg_wrapper) that
# costs as much again as the query it runs.
PSQL=$(ls /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V | tail -n 1)
[ -n "$PSQL" ] || PSQL=psql

DB_SEQ=0
# new_db: sets URL to a fresh, empty database of dialect $D
new_db() {
	# scenarios run in subshells: BASHPID and a counter file keep names unique
	DB_SEQ=$(( $(cat "$T_ROOT/.seq" 2>/dev/null || echo 0) + 1 ))
	echo "$DB_SEQ" >"$T_ROOT/.seq"
	local name="rt_${T_NAME//[^a-z0-9]/_}_$$_$DB_SEQ"
	case $D in
	sqlite)
		URL="sqlite:///$T_ROOT/$name.db"
		DBFILE="$T_ROOT/$name.db"
		;;
	postgresql)
		local base=$RETORT_TEST_PG_URL
		url_split "$base"
		PGPASSWORD=$U_PASS "$PSQL" -q -X -v ON_ERROR_STOP=1 -h "$U_HOST" -p "$U_PORT" -U "$U_USER" -d "$U_DB" \
			-c "CREATE DATABASE $name" >/dev/null || return 1
		URL="${base%/*}/$name"
		;;
	mysql)
		local base=$RETORT_TEST_MYSQL_URL
		url_split "$base"
		mariadb -h "$U_HOST" -P "$U_PORT" -u "$U_USER" -p"$U_PASS" -e "CREATE DATABASE $name" || return 1
		URL="${base%/*}/$name"
		;;
	esac
	export URL
	url_split "$URL"
}

# dbq SQL: runs SQL on $URL, prints rows (columns separated by |)
dbq() {
	[ "${U_OF:-}" = "$URL" ] || url_split "$URL"
	case $D in
	sqlite) sqlite3 -batch "$DBFILE" "$1" ;;
	postgresql)
		PGPASSWORD=$U_PASS "$PSQL" -q -X -A -t -v ON_ERROR_STOP=1 -h "$U_HOST" -p "$U_PORT" -U "$U_USER" -d "$U_DB" -c "$1"
		;;
	mysql)
		mariadb -N -B -h "$U_HOST" -P "$U_PORT" -u "$U_USER" -p"$U_PASS" "$U_DB" -e "$1" | tr '\t' '|'
		;;
	esac
}

# dbfile FILE: runs a SQL file on $URL with the database's own client, stopping at the first error
dbfile() {
	[ "${U_OF:-}" = "$URL" ] || url_split "$URL"
	case $D in
	sqlite) sqlite3 -batch -bail "$DBFILE" <"$1" ;;
	postgresql)
		PGPASSWORD=$U_PASS "$PSQL" -q -X -v ON_ERROR_STOP=1 -h "$U_HOST" -p "$U_PORT" -U "$U_USER" -d "$U_DB" -f "$1" >/dev/null
		;;
	mysql)
		mariadb -h "$U_HOST" -P "$U_PORT" -u "$U_USER" -p"$U_PASS" "$U_DB" <"$1"
		;;
	esac
}

# tables: sorted user tables of $URL, one per line
tables() {
	case $D in
	sqlite) dbq "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name" ;;
	postgresql) dbq "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename" ;;
	mysql) dbq "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY table_name" ;;
	esac
}

versions() { dbq "SELECT version_num FROM retort_version ORDER BY version_num" 2>/dev/null | tr '\n' ' ' | sed 's/ $//'; }

# ---- projects ----

# new_project: a fresh folder with retort.conf pointing at a fresh database; cd into it
new_project() {
	new_db || return 1
	P="$T_ROOT/p_${D}_$DB_SEQ"
	mkdir -p "$P/migrations/versions"
	cd "$P" || return 1
	cat >retort.conf <<EOF
script_location = "migrations";
version_table = "retort_version";
history_table = "retort_history";
transaction_per_migration = ${TPM:-false};
lock_timeout = ${LOCK_TIMEOUT:-30};
database = { url = "\${TEST_URL}"; };
EOF
	export TEST_URL="$URL"
}

# rev ID PARENTS MESSAGE UPGRADE-OPS DOWNGRADE-OPS [EXTRA]: writes migrations/versions/ID.conf
rev() {
	local id=$1 parents=$2 msg=$3 up=$4 down=$5 extra=${6:-}
	{
		echo "revision = \"$id\";"
		if [ -n "$parents" ]; then
			# shellcheck disable=SC2086
			set -- $parents
			if [ $# -eq 1 ]; then echo "down_revision = \"$1\";"; else
				printf 'down_revision = [ '
				local first=1 p
				for p in "$@"; do
					[ $first = 1 ] || printf ', '
					printf '"%s"' "$p"
					first=0
				done
				echo ' ];'
			fi
		fi
		[ -n "$extra" ] && echo "$extra"
		echo "message = \"$msg\";"
		echo "upgrade = ( $up );"
		echo "downgrade = ( $down );"
	} >"migrations/versions/$id.conf"
}

# table_rev ID PARENTS [EXTRA]: a revision creating table t_ID
table_rev() {
	rev "$1" "$2" "create t_$1" \
		"{ op = \"create_table\"; table = \"t_$1\"; columns = ( { name = \"id\"; type = \"integer\"; primary_key = true; } ); }" \
		"{ op = \"drop_table\"; table = \"t_$1\"; }" "${3:-}"
}

# ---- driver ----

dialects() {
	local all="sqlite postgresql mysql" d
	for d in ${RETORT_TEST_DIALECTS:-$all}; do echo "$d"; done
}

for_each_dialect() {
	local fn=$1 d
	for d in $(dialects); do
		D=$d
		case $d in
		postgresql)
			if [ -z "${RETORT_TEST_PG_URL:-}" ]; then
				echo "SKIPPED: $T_NAME on postgresql: no server (RETORT_TEST_PG_URL unset)"
				T_SKIP=$((T_SKIP + 1))
				continue
			fi
			;;
		mysql)
			if [ -z "${RETORT_TEST_MYSQL_URL:-}" ]; then
				echo "SKIPPED: $T_NAME on mysql: no server (RETORT_TEST_MYSQL_URL unset)"
				T_SKIP=$((T_SKIP + 1))
				continue
			fi
			;;
		esac
		(cd "$T_ROOT" && "$fn") >"$T_ROOT/log.$d" 2>&1
		cat "$T_ROOT/log.$d"
		T_PASS=$((T_PASS + $(grep -c '^ok ' "$T_ROOT/log.$d")))
		T_FAIL=$((T_FAIL + $(grep -c '^not ok ' "$T_ROOT/log.$d")))
	done
	D=""
}

finish() {
	echo "# $T_NAME: $T_PASS passed, $T_FAIL failed, $T_SKIP skipped"
	if [ "$T_FAIL" -gt 0 ]; then exit 1; fi
	if [ "$T_SKIP" -gt 0 ] && [ "${CI:-}" = true ]; then
		echo "# skips are failures under CI=true"
		exit 1
	fi
	if [ "$T_PASS" -eq 0 ]; then
		echo "# no check ran"
		exit 1
	fi
	exit 0
}
