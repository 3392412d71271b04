#!/bin/bash
# Start and stop throw-away PostgreSQL and MariaDB servers on loopback for
# the test suite.
#
#   servers.sh start DIR   start both; write DIR/env; print SKIPPED lines
#   servers.sh stop DIR    stop both and remove DIR
#
# or, sourced: retort_servers_start DIR / retort_servers_stop DIR.
#
# DIR/env gets, for each server that answered:
#   export RETORT_TEST_PG_URL=postgresql://retort:retort-pw@127.0.0.1:PORT/retort_test
#   export RETORT_TEST_MYSQL_URL=mysql://retort:retort-pw@127.0.0.1:PORT/retort_test
# plus RETORT_TEST_PG_SOCKET_URL / RETORT_TEST_MYSQL_SOCKET_URL, the same
# databases through their Unix sockets.
# A server that could not start is reported on its own line as
#   SKIPPED: postgresql could not start: <reason>
# and start still exits 0: the caller decides (under CI=true a skip fails).
#
# Works as root on a fresh Debian machine (apt-get install postgresql
# mariadb-server): PostgreSQL refuses to run as root, so its data and socket
# folders live in a /tmp folder owned by `postgres` and initdb/pg_ctl run as
# that user.  Any cluster Debian auto-started (port 5432) is left alone.
# Environment: RETORT_PG_BINDIR (folder of initdb/pg_ctl/psql) overrides the
# search in /usr/lib/postgresql/*/bin and PATH.

RETORT_TEST_PW=retort-pw

rs_log() { printf '%s\n' "$*" >&2; }

# A free loopback TCP port: random, then checked by trying to connect.
rs_free_port() {
	local port i
	for i in $(seq 1 100); do
		port=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "$port"
			return 0
		fi
	done
	return 1
}

rs_pg_bindir() {
	local d
	if [ -n "$RETORT_PG_BINDIR" ]; then
		echo "$RETORT_PG_BINDIR"
		return 0
	fi
	d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	if [ -n "$d" ] && [ -x "$d/initdb" ]; then
		echo "$d"
		return 0
	fi
	d=$(command -v initdb 2>/dev/null) && { dirname "$d"; return 0; }
	d=$(command -v pg_config 2>/dev/null) && { "$d" --bindir; return 0; }
	return 1
}

# Run a command as the PostgreSQL user when we are root.
rs_as_pg() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# Last lines of a log, on one line, for a SKIPPED reason.
rs_tail() {
	[ -f "$1" ] && tail -n 3 "$1" 2>/dev/null | tr '\n' ' ' | cut -c1-300
}

rs_pg_start() {
	local dir=$1 bindir pgdir port log
	bindir=$(rs_pg_bindir) || { echo "SKIPPED: postgresql could not start: initdb not found (apt-get install postgresql)"; return 1; }
	if [ "$(id -u)" = 0 ] && ! getent passwd postgres >/dev/null; then
		echo "SKIPPED: postgresql could not start: running as root and there is no 'postgres' user"
		return 1
	fi
	pgdir=$(mktemp -d /tmp/retort-pg.XXXXXX) || { echo "SKIPPED: postgresql could not start: mktemp failed"; return 1; }
	echo "$pgdir" >"$dir/pg.dir"
	echo "$bindir" >"$dir/pg.bindir"
	mkdir -p "$pgdir/sock"
	[ "$(id -u)" = 0 ] && chown -R postgres: "$pgdir"
	chmod 700 "$pgdir"
	log="$pgdir/initdb.log"
	if ! rs_as_pg "$bindir/initdb" -D "$pgdir/data" -U postgres -E UTF8 --no-locale \
		--auth-local=trust --auth-host=scram-sha-256 >"$log" 2>&1; then
		echo "SKIPPED: postgresql could not start: initdb failed: $(rs_tail "$log")"
		return 1
	fi
	port=$(rs_free_port) || { echo "SKIPPED: postgresql could not start: no free port"; return 1; }
	echo "$port" >"$dir/pg.port"
	log="$pgdir/server.log"
	if ! rs_as_pg "$bindir/pg_ctl" -D "$pgdir/data" -l "$log" -w -t 60 \
		-o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$pgdir/sock -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
		start >"$pgdir/pg_ctl.log" 2>&1; then
		echo "SKIPPED: postgresql could not start: pg_ctl start failed: $(rs_tail "$log")"
		return 1
	fi
	if ! rs_as_pg "$bindir/psql" -X -q -h "$pgdir/sock" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
		-c "CREATE ROLE retort LOGIN SUPERUSER PASSWORD '$RETORT_TEST_PW'" \
		-c "CREATE DATABASE retort_test OWNER retort" >"$pgdir/setup.log" 2>&1; then
		echo "SKIPPED: postgresql could not start: creating the retort role failed: $(rs_tail "$pgdir/setup.log")"
		return 1
	fi
	echo "export RETORT_TEST_PG_URL=postgresql://retort:$RETORT_TEST_PW@127.0.0.1:$port/retort_test" >>"$dir/env"
	echo "export RETORT_TEST_PG_SOCKET_URL='postgresql://retort@/retort_test?host=$pgdir/sock&port=$port'" >>"$dir/env"
	rs_log "postgresql started on 127.0.0.1:$port ($pgdir)"
	return 0
}

rs_pg_stop() {
	local dir=$1 pgdir bindir
	[ -f "$dir/pg.dir" ] || return 0
	pgdir=$(cat "$dir/pg.dir")
	bindir=$(cat "$dir/pg.bindir" 2>/dev/null)
	case "$pgdir" in /tmp/retort-pg.*) ;; *) return 0 ;; esac
	if [ -f "$pgdir/data/postmaster.pid" ] && [ -n "$bindir" ]; then
		rs_as_pg "$bindir/pg_ctl" -D "$pgdir/data" -m fast -w -t 60 stop >/dev/null 2>&1
	fi
	rm -rf "$pgdir"
}

rs_my_bin() {
	local n
	for n in "$@"; do
		command -v "$n" 2>/dev/null && return 0
	done
	return 1
}

rs_my_start() {
	local dir=$1 mysqld installdb admin client port sock data log userarg i
	PATH="$PATH:/usr/sbin:/usr/local/sbin"
	mysqld=$(rs_my_bin mariadbd mysqld) || { echo "SKIPPED: mysql could not start: mariadbd not found (apt-get install mariadb-server)"; return 1; }
	installdb=$(rs_my_bin mariadb-install-db mysql_install_db) || { echo "SKIPPED: mysql could not start: mariadb-install-db not found"; return 1; }
	admin=$(rs_my_bin mariadb-admin mysqladmin) || { echo "SKIPPED: mysql could not start: mariadb-admin not found"; return 1; }
	client=$(rs_my_bin mariadb mysql) || { echo "SKIPPED: mysql could not start: mariadb client not found"; return 1; }
	data="$dir/mysql-data"
	sock="$dir/mysql.sock"
	# A folder left by an earlier run that was not stopped: start afresh.
	rm -rf "$data" "$sock"
	# sun_path holds 107 bytes: fall back to a short folder for deep DIRs.
	if [ ${#sock} -gt 100 ]; then
		sock=$(mktemp -d /tmp/retort-my.XXXXXX)/mysql.sock
		echo "$(dirname "$sock")" >"$dir/mysql.sockdir"
	fi
	echo "$sock" >"$dir/mysql.sockpath"
	userarg=
	[ "$(id -u)" = 0 ] && userarg=--user=root
	log="$dir/mysql-install.log"
	if ! "$installdb" --no-defaults $userarg --datadir="$data" --auth-root-authentication-method=normal \
		--skip-test-db >"$log" 2>&1; then
		echo "SKIPPED: mysql could not start: mariadb-install-db failed: $(rs_tail "$log")"
		return 1
	fi
	port=$(rs_free_port) || { echo "SKIPPED: mysql could not start: no free port"; return 1; }
	echo "$port" >"$dir/mysql.port"
	log="$dir/mysql.err"
	"$mysqld" --no-defaults $userarg --datadir="$data" --socket="$sock" --port="$port" \
		--bind-address=127.0.0.1 --pid-file="$dir/mysql.pid" --log-error="$log" \
		--skip-name-resolve --innodb-buffer-pool-size=32M --innodb-log-file-size=16M \
		--innodb-flush-log-at-trx-commit=0 --character-set-server=utf8mb4 \
		</dev/null >/dev/null 2>&1 &
	echo $! >"$dir/mysql.bgpid"
	for i in $(seq 1 120); do
		if "$admin" --no-defaults --socket="$sock" -uroot --connect-timeout=2 ping >/dev/null 2>&1; then
			break
		fi
		if ! kill -0 "$(cat "$dir/mysql.bgpid")" 2>/dev/null; then
			echo "SKIPPED: mysql could not start: mariadbd exited: $(rs_tail "$log")"
			return 1
		fi
		sleep 0.5
	done
	if ! "$admin" --no-defaults --socket="$sock" -uroot ping >/dev/null 2>&1; then
		echo "SKIPPED: mysql could not start: no answer within 60 s: $(rs_tail "$log")"
		return 1
	fi
	if ! "$client" --no-defaults --socket="$sock" -uroot -e "
		CREATE USER 'retort'@'%' IDENTIFIED BY '$RETORT_TEST_PW';
		CREATE USER 'retort'@'localhost' IDENTIFIED BY '$RETORT_TEST_PW';
		CREATE USER 'retort'@'127.0.0.1' IDENTIFIED BY '$RETORT_TEST_PW';
		GRANT ALL PRIVILEGES ON *.* TO 'retort'@'%';
		GRANT ALL PRIVILEGES ON *.* TO 'retort'@'localhost';
		GRANT ALL PRIVILEGES ON *.* TO 'retort'@'127.0.0.1';
		CREATE DATABASE retort_test CHARACTER SET utf8mb4;" >"$dir/mysql-setup.log" 2>&1; then
		echo "SKIPPED: mysql could not start: creating the retort user failed: $(rs_tail "$dir/mysql-setup.log")"
		return 1
	fi
	echo "export RETORT_TEST_MYSQL_URL=mysql://retort:$RETORT_TEST_PW@127.0.0.1:$port/retort_test" >>"$dir/env"
	echo "export RETORT_TEST_MYSQL_SOCKET_URL='mysql://retort:$RETORT_TEST_PW@localhost/retort_test?unix_socket=$sock'" >>"$dir/env"
	rs_log "mariadb started on 127.0.0.1:$port ($data)"
	return 0
}

rs_my_stop() {
	local dir=$1 sock pid admin i
	PATH="$PATH:/usr/sbin:/usr/local/sbin"
	[ -f "$dir/mysql.sockpath" ] || return 0
	sock=$(cat "$dir/mysql.sockpath")
	pid=
	[ -f "$dir/mysql.pid" ] && pid=$(cat "$dir/mysql.pid")
	[ -z "$pid" ] && [ -f "$dir/mysql.bgpid" ] && pid=$(cat "$dir/mysql.bgpid")
	admin=$(rs_my_bin mariadb-admin mysqladmin)
	if [ -n "$admin" ] && [ -S "$sock" ]; then
		"$admin" --no-defaults --socket="$sock" -uroot --connect-timeout=5 shutdown >/dev/null 2>&1
	fi
	if [ -n "$pid" ]; then
		for i in $(seq 1 60); do
			kill -0 "$pid" 2>/dev/null || break
			[ "$i" = 20 ] && kill "$pid" 2>/dev/null
			[ "$i" = 50 ] && kill -9 "$pid" 2>/dev/null
			sleep 0.5
		done
	fi
	if [ -f "$dir/mysql.sockdir" ]; then
		case "$(cat "$dir/mysql.sockdir")" in /tmp/retort-my.*) rm -rf "$(cat "$dir/mysql.sockdir")" ;; esac
	fi
}

retort_servers_start() {
	local dir=$1
	[ -n "$dir" ] || { rs_log "usage: servers.sh start DIR"; return 2; }
	mkdir -p "$dir" || return 1
	dir=$(cd "$dir" && pwd)
	: >"$dir/env"
	rs_pg_start "$dir"
	rs_my_start "$dir"
	return 0
}

retort_servers_stop() {
	local dir=$1
	[ -n "$dir" ] || { rs_log "usage: servers.sh stop DIR"; return 2; }
	[ -d "$dir" ] || return 0
	dir=$(cd "$dir" && pwd)
	rs_pg_stop "$dir"
	rs_my_stop "$dir"
	rm -rf "$dir"
	return 0
}

# Run as a script (not sourced): dispatch on the first argument.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	case "$1" in
	start) retort_servers_start "$2" ;;
	stop) retort_servers_stop "$2" ;;
	*)
		rs_log "usage: servers.sh start|stop DIR"
		exit 2
		;;
	esac
fi
