#!/usr/bin/env bash
# The project's own files stand alone and tell the truth:
# - no file of the source tree points into a folder outside the project;
# - every module the sample configuration names is one this build ships;
# - configure in a build tree that holds a core/ folder prints no
#   "rm: cannot remove 'core'" noise (autoconf's clean-up of core dumps).
. "$top_srcdir/tests/lib/common.sh"

D=project

scenario_outside() {
	local hits
	hits=$(cd "$top_srcdir" && grep -rIl -e '\.\./shared' -e 'DESIGN\.md' \
		--exclude-dir=.git --exclude-dir=autom4te.cache --exclude=docs.sh . 2>/dev/null)
	if [ -z "$hits" ]; then pass "no file points outside the project"; else
		failed "files point outside the project"
		echo "$hits" | sed 's/^/#   /'
	fi
}

scenario_sample() {
	local m missing="" n=0
	for m in $(sed -n 's/^#* *{ *module = "\([a-z0-9_]*\)".*/\1/p' "$top_srcdir/etc/retort.conf.sample" | sort -u); do
		n=$((n + 1))
		[ -e "$top_builddir/plugins/$m.la" ] || [ -e "$top_builddir/hooks/$m.la" ] || missing="$missing $m"
	done
	[ "$n" -gt 0 ] || { failed "sample config names no module (parser out of date?)"; return; }
	if [ -z "$missing" ]; then pass "the sample config's $n modules all exist"; else
		failed "the sample config names modules that do not exist:$missing"
	fi
}

scenario_configure() {
	if [ -e "$top_srcdir/config.status" ]; then
		# configure refuses a second build tree beside an in-tree build
		pass "configure noise: source tree configured in place, checked by the out-of-tree builds"
		return
	fi
	local b="$T_ROOT/cfg" out
	mkdir -p "$b/core"
	out=$(cd "$b" && "$top_srcdir/configure" -q --cache-file=/dev/null --disable-postgresql --disable-mysql 2>&1)
	if contains "$out" "cannot remove"; then
		failed "configure prints rm noise in a tree with core/"
		echo "$out" | grep "cannot remove" | head -3 | sed 's/^/#   /'
	else
		pass "configure prints no rm noise in a tree with core/"
	fi
	if ls "$b"/confdefs.h "$b"/conftest* >/dev/null 2>&1; then failed "configure left confdefs/conftest files"; else
		pass "configure cleaned up after itself"; fi
	[ -d "$b/core" ] && pass "configure left core/ alone" || failed "configure removed core/"
}

scenario_outside
scenario_sample
scenario_configure
finish
