# Test modules for the plugin loader (STYLE.md 4.4): deliberately broken
# ones, each refused with its own message, and one well-behaved notify hook.
# check_LTLIBRARIES: built by `make check` (or by name), never installed;
# they land in tests/plugins/.libs/<name>.so ($RETORT_TEST_PLUGIN_DIR).
# Methods the host must never call abort() (see trap.h).
TESTPLUGIN_LDFLAGS = -module -avoid-version -shared -rpath /nowhere $(ZDEFS_LDFLAGS)
TESTPLUGIN_ENTRY_ONLY = -export-symbols-regex '^retort_plugin_entry$$'

check_LTLIBRARIES += tests/plugins/bad_noentry.la tests/plugins/bad_abi.la tests/plugins/bad_small.la \
	tests/plugins/bad_kind.la tests/plugins/bad_nomethod.la tests/plugins/bad_initfail.la \
	tests/plugins/bad_initleak.la tests/plugins/good_notify.la
EXTRA_DIST += tests/plugins/trap.h

# no entry symbol: exports its misnamed entry, so no symbol filter
tests_plugins_bad_noentry_la_SOURCES = tests/plugins/bad_noentry.c
tests_plugins_bad_noentry_la_CFLAGS = $(PLUGINCFLAGS)
tests_plugins_bad_noentry_la_LDFLAGS = $(TESTPLUGIN_LDFLAGS)

tests_plugins_bad_abi_la_SOURCES = tests/plugins/bad_abi.c
tests_plugins_bad_abi_la_CFLAGS = $(PLUGINCFLAGS)
tests_plugins_bad_abi_la_LDFLAGS = $(TESTPLUGIN_LDFLAGS) $(TESTPLUGIN_ENTRY_ONLY)

tests_plugins_bad_small_la_SOURCES = tests/plugins/bad_small.c
tests_plugins_bad_small_la_CFLAGS = $(PLUGINCFLAGS)
tests_plugins_bad_small_la_LDFLAGS = $(TESTPLUGIN_LDFLAGS) $(TESTPLUGIN_ENTRY_ONLY)

tests_plugins_bad_kind_la_SOURCES = tests/plugins/bad_kind.c
tests_plugins_bad_kind_la_CFLAGS = $(PLUGINCFLAGS)
tests_plugins_bad_kind_la_LDFLAGS = $(TESTPLUGIN_LDFLAGS) $(TESTPLUGIN_ENTRY_ONLY)

tests_plugins_bad_nomethod_la_SOURCES = tests/plugins/bad_nomethod.c
tests_plugins_bad_nomethod_la_CFLAGS = $(PLUGINCFLAGS)
tests_plugins_bad_nomethod_la_LDFLAGS = $(TESTPLUGIN_LDFLAGS) $(TESTPLUGIN_ENTRY_ONLY)

tests_plugins_bad_initfail_la_SOURCES = tests/plugins/bad_initfail.c
tests_plugins_bad_initfail_la_CFLAGS = $(PLUGINCFLAGS)
tests_plugins_bad_initfail_la_LDFLAGS = $(TESTPLUGIN_LDFLAGS) $(TESTPLUGIN_ENTRY_ONLY)

tests_plugins_bad_initleak_la_SOURCES = tests/plugins/bad_initleak.c
tests_plugins_bad_initleak_la_CFLAGS = $(PLUGINCFLAGS)
tests_plugins_bad_initleak_la_LDFLAGS = $(TESTPLUGIN_LDFLAGS) $(TESTPLUGIN_ENTRY_ONLY)

tests_plugins_good_notify_la_SOURCES = tests/plugins/good_notify.c
tests_plugins_good_notify_la_CFLAGS = $(PLUGINCFLAGS)
tests_plugins_good_notify_la_LDFLAGS = $(TESTPLUGIN_LDFLAGS) $(TESTPLUGIN_ENTRY_ONLY)
