# Shared by bench/reflect.sh and bench/autogen.sh (sourced, with `src`
# and `out` set): the build, the servers, the generated schema of N tables
# loaded into a fresh database per dialect (`setup DIALECT` sets URL and
# writes $work/p-DIALECT/retort.conf), and the timing helpers.
N=${BENCH_TABLES:-500}
runs=${BENCH_RUNS:-5}
work=${BENCH_DIR:-$(mktemp -d /tmp/retort-bench-reflect.XXXXXX)}
mkdir -p "$work"
. "$src/bench/lib.sh"

if [ -z "${RETORT_TEST_PG_URL:-}${RETORT_TEST_MYSQL_URL:-}" ]; then
	srv=$work/srv
	mkdir -p "$srv" && chmod 755 "$srv"
	bash "$src/tests/lib/servers.sh" start "$srv" >&2
	. "$srv/env" 2>/dev/null || true
	trap 'bash "$src/tests/lib/servers.sh" stop "$srv" >/dev/null 2>&1' EXIT
fi
. "$src/tests/lib/url.sh"
PSQL=$(ls /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V | tail -n 1)
[ -n "$PSQL" ] || PSQL=psql

# gen DIALECT: the DDL of N tables t0001.. on stdout
gen() {
	local d=$1 i t p
	[ "$d" = mysql ] && echo "SET foreign_key_checks = 0;"
	[ "$d" = postgresql ] && echo "BEGIN;"
	[ "$d" = sqlite ] && echo "BEGIN;"
	for i in $(seq 1 "$N"); do
		t=$(printf 't%04d' "$i")
		p=$(printf 't%04d' $((i > 1 ? i - 1 : 1)))
		printf 'CREATE TABLE %s (id integer NOT NULL, name varchar(50) NOT NULL, qty integer DEFAULT 0,' "$t"
		printf ' total numeric(12,2), note text, flag boolean, born date, seen timestamp, score double precision,'
		printf ' parent_id integer, PRIMARY KEY (id), CONSTRAINT fk_%s FOREIGN KEY (parent_id) REFERENCES %s (id)' "$t" "$p"
		if [ "$d" = mysql ]; then
			printf ', KEY ix_%s_name (name), KEY ix_%s_qty (qty, born));\n' "$t" "$t"
		else
			printf ');\nCREATE INDEX ix_%s_name ON %s (name);\nCREATE INDEX ix_%s_qty ON %s (qty, born);\n' \
				"$t" "$t" "$t" "$t"
		fi
	done
	[ "$d" = mysql ] && echo "SET foreign_key_checks = 1;"
	[ "$d" != mysql ] && echo "COMMIT;"
}

# setup DIALECT: a fresh database holding the schema; sets URL
setup() {
	local d=$1 name="retort_bench_reflect"
	gen "$d" >"$work/$d.sql"
	case $d in
	sqlite)
		rm -f "$work/reflect.db"
		sqlite3 "$work/reflect.db" <"$work/$d.sql" || return 1
		URL="sqlite:///$work/reflect.db"
		;;
	postgresql)
		[ -n "${RETORT_TEST_PG_URL:-}" ] || return 1
		url_split "$RETORT_TEST_PG_URL"
		PGPASSWORD=$U_PASS "$PSQL" -q -X -h "$U_HOST" -p "$U_PORT" -U "$U_USER" -d "$U_DB" \
			-c "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name" >/dev/null || return 1
		PGPASSWORD=$U_PASS "$PSQL" -q -X -v ON_ERROR_STOP=1 -h "$U_HOST" -p "$U_PORT" -U "$U_USER" -d "$name" \
			-f "$work/$d.sql" >/dev/null || return 1
		URL="${RETORT_TEST_PG_URL%/*}/$name"
		;;
	mysql)
		[ -n "${RETORT_TEST_MYSQL_URL:-}" ] || return 1
		url_split "$RETORT_TEST_MYSQL_URL"
		mariadb -h "$U_HOST" -P "$U_PORT" -u "$U_USER" -p"$U_PASS" \
			-e "DROP DATABASE IF EXISTS $name; CREATE DATABASE $name" || return 1
		mariadb -h "$U_HOST" -P "$U_PORT" -u "$U_USER" -p"$U_PASS" "$name" <"$work/$d.sql" || return 1
		URL="${RETORT_TEST_MYSQL_URL%/*}/$name"
		;;
	esac
	mkdir -p "$work/p-$d/migrations/versions"
	cat >"$work/p-$d/retort.conf" <<EOF
script_location = "migrations";
database = { url = "$URL"; };
EOF
}

load() { cut -d' ' -f1-3 /proc/loadavg; }
# one run of a command: "wall cpu" in seconds (cpu = user + system), from bash's time
one_run() {
	local TIMEFORMAT='%R %U %S'
	{ time "$@" >/dev/null 2>&1; } 2>&1 | awk '{ printf "%.3f %.3f\n", $1, $2 + $3 }'
}

# the floor: the database's own client connecting and running SELECT 1, for how loaded the machine is
floor_cmd() {
	case $1 in
	sqlite) echo sqlite3 "$work/reflect.db" "SELECT 1" ;;
	postgresql)
		url_split "$URL"
		echo env PGPASSWORD="$U_PASS" "$PSQL" -X -q -h "$U_HOST" -p "$U_PORT" -U "$U_USER" -d "$U_DB" -c "SELECT 1"
		;;
	mysql)
		url_split "$URL"
		echo mariadb -h "$U_HOST" -P "$U_PORT" -u "$U_USER" -p"$U_PASS" "$U_DB" -e "SELECT 1"
		;;
	esac
}

