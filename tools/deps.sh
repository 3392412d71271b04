#!/usr/bin/env bash
# Install every Debian package retort needs to build and test (as root).
# Skips apt entirely when everything is already there.
set -eu
pkgs="build-essential autoconf automake libtool pkg-config libltdl-dev libconfig-dev libsqlite3-dev libpq-dev
default-libmysqlclient-dev libssl-dev libcunit1-dev sqlite3 postgresql postgresql-client mariadb-server
mariadb-client valgrind"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "deps: installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
echo "deps: all present"
