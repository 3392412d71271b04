#!/usr/bin/env bash
# The plugin loader (retort-plugin(7), LOADING): the search order, one
# folder at a time; modules and URL schemes found twice (a warning) or
# declared twice (an error); refusals that name the file and the system
# loader's own reason (exit 2, before anything runs); `retort plugins`;
# the formatter that breaks a script named.  The test modules are compiled
# here from tests/plugins/ldr_*.c.
. "$top_srcdir/tests/lib/common.sh"
: "${RETORT_TEST_PLUGIN_DIR:?}"
CC_=${CC:-cc}
# what a user's environment has: lazy binding unless the loader asks otherwise
unset LD_BIND_NOW

M="$T_ROOT/modules"
# cc_module OUT SOURCE [FLAGS...]: a plugin shared object built as an outside author would
cc_module() {
	local out=$1 src=$2
	shift 2
	mkdir -p "$(dirname "$out")"
	"$CC_" -std=c99 -fPIC -shared -I"$top_srcdir/include" -I"$top_builddir/include" \
		-o "$out" "$top_srcdir/tests/plugins/$src" "$@"
}
# a libtool library file for an installed module (what `make install` leaves next to it)
la_file() {
	local dir=$1 name=$2
	printf "dlname='%s.so'\nlibrary_names='%s.so'\nold_library=''\ndependency_libs=''\ninstalled=yes\nlibdir='%s'\n" \
		"$name" "$name" "$dir" >"$dir/$name.la"
}

build_modules() {
	cc_module "$M/a/tagged.so" ldr_hook.c -DLDR_NAME='"tagged"' -DLDR_TAG='"copy-a"' &&
		cc_module "$M/b/tagged.so" ldr_hook.c -DLDR_NAME='"tagged"' -DLDR_TAG='"copy-b"' &&
		la_file "$M/b" tagged &&
		cc_module "$M/a/one.so" ldr_dialect.c -DLDR_NAME='"one"' &&
		cc_module "$M/b/two.so" ldr_dialect.c -DLDR_NAME='"two"' &&
		cc_module "$M/c/two.so" ldr_dialect.c -DLDR_NAME='"two"' &&
		cc_module "$M/c/one.so" ldr_dialect.c -DLDR_NAME='"one"' &&
		cc_module "$M/named/ldr.so" ldr_dialect.c -DLDR_NAME='"ldrnamed"' &&
		cc_module "$M/named/aaa.so" ldr_dialect.c -DLDR_NAME='"aaa"' &&
		cc_module "$M/dep/libldrdep.so" ldr_dep.c &&
		cc_module "$M/bad/needsdep.so" ldr_hook.c -DLDR_NAME='"needsdep"' -DLDR_NEEDS_DEP \
			-L"$M/dep" -Wl,-rpath,"$M/dep" -lldrdep &&
		rm "$M/dep/libldrdep.so" &&
		cc_module "$M/bad/undef.so" ldr_hook.c -DLDR_NAME='"undef"' -DLDR_UNDEFINED &&
		printf 'this is a text file named like a shared object, long enough to have an ELF header\n' \
			>"$M/bad/notelf.so" &&
		mkdir -p "$M/scheme" && cp "$M/bad/notelf.so" "$M/scheme/ldr.so"
}

# plugin_path = [ DIRS... ] in retort.conf (the project's conf is kept in retort.conf.base)
with_path() {
	cp retort.conf.base retort.conf
	local d list=""
	for d in "$@"; do list="$list${list:+, }\"$d\""; done
	echo "plugin_path = [ $list ];" >>retort.conf
}

# the line of `retort plugins` for module NAME
plugin_line() { printf '%s\n' "$OUT" | awk -v n="$1" '$1 == n'; }

scenario_search_order() {
	new_project || { failed "database"; return; }
	table_rev a ""
	cp retort.conf retort.conf.base
	# plugin_path's .so beats a .la later on the path (libltdl took every .la first)
	with_path "$M/a"
	RETORT_PLUGIN_PATH="$M/b:$RETORT_PLUGIN_PATH" expect_rc 0 "plugins with the module in plugin_path and \$RETORT_PLUGIN_PATH" plugins
	expect_in "$(plugin_line tagged)" "$M/a/tagged.so" "plugin_path comes first, although the later folder has a .la"
	expect_in "$ERR" "retort: warning: plugin 'tagged' is found twice on the plugin path: $M/a/tagged.so is used, not $M/b/tagged.la" \
		"the module found twice is warned about"
	expect_eq "$(printf '%s\n' "$OUT" | awk '$1 == "tagged"' | wc -l)" "1" "and listed once"
	expect_eq "$(printf '%s\n' "$ERR" | grep -c "found twice")" "1" "the warning is said once"
	# each folder of plugin_path in order
	with_path "$M/b" "$M/a"
	expect_rc 0 "plugins with two folders in plugin_path" plugins
	expect_in "$(plugin_line tagged)" "$M/b/tagged.so" "the first folder of plugin_path wins (its .la names its .so)"
	# $RETORT_PLUGIN_PATH's folders in order, after plugin_path
	cp retort.conf.base retort.conf
	RETORT_PLUGIN_PATH="$M/a:$M/b:$RETORT_PLUGIN_PATH" expect_rc 0 "plugins with two folders in \$RETORT_PLUGIN_PATH" plugins
	expect_in "$(plugin_line tagged)" "$M/a/tagged.so" "the first folder of \$RETORT_PLUGIN_PATH wins"
	RETORT_PLUGIN_PATH="$M/b:$M/a:$RETORT_PLUGIN_PATH" expect_rc 0 "the other order" plugins
	expect_in "$(plugin_line tagged)" "$M/b/tagged.so" "the order is the user's"
	# a declaration by name follows the same order
	with_path "$M/a"
	echo 'plugins = ( { module = "tagged"; } );' >>retort.conf
	RETORT_PLUGIN_PATH="$M/b:$RETORT_PLUGIN_PATH" expect_rc 0 "upgrade with a declared module found twice" upgrade head
	expect_in "$ERR" "retort: warning: plugin 'tagged' is found twice on the plugin path: $M/a/tagged.so is used, not $M/b/tagged.la" \
		"the declared module found twice is warned about"
	# a module found twice that plays no part in the run is not warned about
	cp retort.conf.base retort.conf
	RETORT_PLUGIN_PATH="$RETORT_PLUGIN_PATH:$M/a:$M/b" expect_rc 0 "upgrade with a module found twice after the dialect" upgrade head
	expect_not_in "$ERR" "warning" "modules the run does not open are not warned about"
	# a folder listed twice is one folder
	with_path "$M/a" "$M/a"
	expect_rc 0 "plugins with a folder listed twice" plugins
	expect_not_in "$ERR" "found twice" "a folder listed twice finds nothing twice"
}

scenario_duplicates() {
	new_project || { failed "database"; return; }
	table_rev a ""
	cp retort.conf retort.conf.base
	# two modules of one name declared
	cp retort.conf.base retort.conf
	echo "plugins = ( { module = \"$M/a/tagged.so\"; }, { module = \"$M/b/tagged.so\"; } );" >>retort.conf
	expect_rc 2 "two modules of one name declared" upgrade head
	expect_eq "$ERR" "retort: error: retort.conf:7: two modules named 'tagged' are declared: $M/b/tagged.so, and $M/a/tagged.so (retort.conf:7)" \
		"the error names both files"
	expect_eq "$(tables | tr '\n' ' ')" "" "nothing ran"
	# one module declared twice (two instances) is not a clash
	cp retort.conf.base retort.conf
	echo "plugins = ( { module = \"$M/a/tagged.so\"; }, { module = \"$M/a/tagged.so\"; } );" >>retort.conf
	expect_rc 0 "one module declared twice is two instances" heads
	# two dialects declared for one scheme
	cp retort.conf.base retort.conf
	echo "plugins = ( { module = \"$M/a/one.so\"; }, { module = \"$M/b/two.so\"; } );" >>retort.conf
	expect_rc 2 "two dialects declared for one URL scheme" heads
	expect_eq "$ERR" "retort: error: retort.conf:7: dialect 'two' ($M/b/two.so) claims URL scheme 'ldr', as does dialect 'one' ($M/a/one.so, retort.conf:7): declare one" \
		"the error names both dialects and the scheme"
	# found: a dialect found by its scheme, whatever its file is called
	cp retort.conf.base retort.conf
	sed -i 's|url = .*|url = "ldr://nowhere/db"; };|' retort.conf
	RETORT_PLUGIN_PATH="$M/a:$RETORT_PLUGIN_PATH" expect_rc 1 "a dialect found by its url_schemes (file one.so, scheme ldr)" upgrade head
	expect_in "$ERR" "dialect one does not connect" "the module one.so serves ldr://"
	# two dialects found for one scheme: the first on the path, and a warning
	RETORT_PLUGIN_PATH="$M/b:$M/a:$RETORT_PLUGIN_PATH" expect_rc 1 "two dialects found for one scheme" upgrade head
	expect_in "$ERR" "dialect two does not connect" "the first on the path serves it"
	expect_in "$ERR" "retort: warning: URL scheme 'ldr' is claimed by two dialects on the plugin path: $M/b/two.so is used, not $M/a/one.so" \
		"and the other is named in a warning"
	RETORT_PLUGIN_PATH="$M/c:$RETORT_PLUGIN_PATH" expect_rc 1 "two dialects in one folder" upgrade head
	expect_in "$ERR" "dialect one does not connect" "in one folder, the names in order"
	expect_in "$ERR" "$M/c/one.so is used, not $M/c/two.so" "and a warning"
	# the module named after the scheme comes first in its folder, and then nothing more is opened
	RETORT_PLUGIN_PATH="$M/named:$M/bad:$RETORT_PLUGIN_PATH" expect_rc 1 "a module named after the scheme" upgrade head
	expect_in "$ERR" "dialect ldrnamed does not connect" "serves it before the others of its folder"
	expect_not_in "$ERR" "warning" "without opening the others (no warning)"
	# an earlier folder's dialect comes before the module named after the scheme, which is then named in a warning
	RETORT_PLUGIN_PATH="$M/a:$M/named:$RETORT_PLUGIN_PATH" expect_rc 1 "a dialect in an earlier folder" upgrade head
	expect_in "$ERR" "dialect one does not connect" "serves it"
	expect_in "$ERR" "$M/a/one.so is used, not $M/named/ldr.so" "and the module named after the scheme is warned about"
	# declaring one settles it
	echo "plugins = ( { module = \"$M/b/two.so\"; } );" >>retort.conf
	RETORT_PLUGIN_PATH="$M/c:$RETORT_PLUGIN_PATH" expect_rc 1 "a declared dialect for the scheme" upgrade head
	expect_in "$ERR" "dialect two does not connect" "the declared dialect serves it"
	expect_not_in "$ERR" "warning" "without a warning"
	# no dialect at all
	cp retort.conf.base retort.conf
	sed -i 's|url = .*|url = "nosuch://nowhere/db"; };|' retort.conf
	expect_rc 2 "a scheme no module serves" upgrade head
	expect_in "$ERR" "retort: error: no dialect for URL scheme 'nosuch': no module in" "says so"
	# the module named after the scheme that does not load is the refusal
	cp retort.conf.base retort.conf
	sed -i 's|url = .*|url = "ldr://nowhere/db"; };|' retort.conf
	RETORT_PLUGIN_PATH="$M/scheme:$M/a:$RETORT_PLUGIN_PATH" expect_rc 2 "the module named after the scheme does not load" upgrade head
	expect_eq "$ERR" "retort: error: URL scheme 'ldr': $M/scheme/ldr.so: cannot load plugin: invalid ELF header" \
		"its file and the loader's reason"
}

scenario_refusals() {
	new_project || { failed "database"; return; }
	table_rev a ""
	cp retort.conf retort.conf.base
	local bad
	for bad in "needsdep:$M/bad/needsdep.so: cannot load plugin: libldrdep.so: cannot open shared object file: No such file or directory" \
		"notelf:$M/bad/notelf.so: cannot load plugin: invalid ELF header" \
		"undef:$M/bad/undef.so: cannot load plugin: undefined symbol: ldr_defined_nowhere"; do
		local mod=${bad%%:*} want=${bad#*:}
		cp retort.conf.base retort.conf
		echo "plugins = ( { module = \"$M/bad/$mod.so\"; } );" >>retort.conf
		expect_rc 2 "$mod is refused at load" upgrade head
		expect_eq "$ERR" "retort: error: retort.conf:7: $want" "$mod: the file and the loader's own reason"
	done
	expect_eq "$(tables | tr '\n' ' ')" "" "refused modules left the database untouched"
	cp retort.conf.base retort.conf
	echo "plugins = ( { module = \"$RETORT_TEST_PLUGIN_DIR/bad_initfail.la\"; } );" >>retort.conf
	expect_rc 2 "a module whose init fails is refused" upgrade head
	expect_eq "$ERR" "retort: error: retort.conf:7: $RETORT_TEST_PLUGIN_DIR/.libs/bad_initfail.so: init failed: bad_initfail: init failed on purpose" \
		"init failure: the file and the plugin's message"
	cp retort.conf.base retort.conf
	echo "plugins = ( { module = \"$M/bad/nosuch.so\"; } );" >>retort.conf
	expect_rc 2 "a declared file that is not there" heads
	expect_eq "$ERR" "retort: error: retort.conf:7: $M/bad/nosuch.so: cannot load plugin: no such file" "says so"
	cp retort.conf.base retort.conf
	echo 'plugins = ( { module = "nosuch"; } );' >>retort.conf
	expect_rc 2 "a declared name found nowhere" heads
	expect_in "$ERR" "retort: error: retort.conf:7: plugin 'nosuch' not found: no nosuch.la or nosuch.so in " "says where it looked"
}

scenario_plugins_list() {
	new_project || { failed "database"; return; }
	cp retort.conf retort.conf.base
	echo "plugins = ( { module = \"$RETORT_TEST_PLUGIN_DIR/bad_initfail.la\"; }, { module = \"tagged\"; } );" >>retort.conf
	RETORT_PLUGIN_PATH="$M/a:$M/bad:$RETORT_PLUGIN_PATH" expect_rc 1 "plugins with a module whose init fails" plugins
	expect_in "$OUT" "init failed on purpose" "the init failure is shown"
	expect_in "$(plugin_line sqlite)" "found" "and the listing goes on"
	expect_in "$(plugin_line undef)" "error: $M/bad/undef.so: cannot load plugin: undefined symbol: ldr_defined_nowhere" \
		"a found module that does not load shows the loader's reason"
	expect_eq "$(printf '%s\n' "$OUT" | awk '{print $1}' | sort | uniq -d)" "" "each module listed once"
	expect_eq "$(printf '%s\n' "$OUT" | awk '$1 == "tagged"' | wc -l)" "1" "the declared module found on the path: once"
	# aligned: the fifth column (declared/found) starts at one offset on every line
	expect_eq "$(printf '%s\n' "$OUT" | awk '{ i = index($0, "  declared  "); if (!i) i = index($0, "  found  "); print i }' | sort -u | wc -l)" \
		"1" "the columns are aligned"
	expect_eq "$(printf '%s\n' "$ERR" | grep -c 'init failed on purpose')" "0" "the init error is printed once (in the list)"
	expect_eq "$ERR" "retort: error: 4 plugins did not load" "one summary line (bad_initfail, and the three in bad/)"
}

scenario_formatter_blame() {
	new_project || { failed "database"; return; }
	table_rev a ""
	echo 'plugins = ( { module = "exec"; kind = "formatter"; executable = "sed"; options = "-i 1i@@@ REVISION_SCRIPT_FILENAME"; } );' >>retort.conf
	expect_rc 1 "a formatter that breaks the script" revision -m "second"
	expect_in "$ERR" "retort: error: formatter 'exec' (retort.conf:7, " "the formatter is named, with its declaration"
	expect_in "$ERR" "left a file that does not read: $P/migrations/versions/" "and the file"
	expect_not_in "$ERR" "template" "the template is not blamed"
	expect_eq "$(printf '%s\n' "$ERR" | grep -c 'retort: error')" "1" "the error is printed once"
}

scenario_init_dialect() {
	cd "$T_ROOT" || return
	local d
	for d in one ldr; do
		mkdir -p "init_$d" && cd "init_$d" || return
		RETORT_PLUGIN_PATH="$M/a:$RETORT_PLUGIN_PATH" expect_rc 0 "init --dialect $d (a dialect on the plugin path)" init --dialect "$d" migrations
		expect_in "$(cat retort.conf 2>/dev/null)" 'url = "${DATABASE_URL:-ldr://app@localhost/app}"' "the URL has its scheme"
		cd "$T_ROOT" || return
	done
	mkdir -p init_none && cd init_none || return
	expect_rc 2 "init --dialect of a dialect found nowhere" init --dialect nosuch migrations
	expect_in "$ERR" "retort: error: --dialect nosuch: no dialect for URL scheme 'nosuch'" "says so"
	check "and writes nothing" test ! -e retort.conf
}

command -v "$CC_" >/dev/null 2>&1 || { echo "SKIPPED: no C compiler ($CC_)"; T_SKIP=1; finish; }
build_modules || { failed "building the test modules"; finish; }
RETORT_TEST_DIALECTS=sqlite
for_each_dialect scenario_search_order
for_each_dialect scenario_duplicates
for_each_dialect scenario_refusals
for_each_dialect scenario_plugins_list
for_each_dialect scenario_formatter_blame
for_each_dialect scenario_init_dialect
finish
