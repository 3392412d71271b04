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

# Plugin ABI 1 keeps its word.  abi1_policy is built from the frozen copy of
# retort 0.1.0's headers (tests/abi1/include), never from include/, and
# tests/integration/abi.sh loads it into this retort; test_layout compares
# every ABI-1 struct of that copy with include/ (layout.c compiled twice).
abi1_frozen_headers = tests/abi1/include/retort/plugin.h tests/abi1/include/retort/types.h \
	tests/abi1/include/retort/dialect.h tests/abi1/include/retort/naming.h \
	tests/abi1/include/retort/formatter.h tests/abi1/include/retort/notify.h \
	tests/abi1/include/retort/version.h
check_LTLIBRARIES += tests/abi1/abi1_policy.la tests/abi1/liblayout_old.la
tests_abi1_abi1_policy_la_SOURCES = tests/abi1/abi1_policy.c
tests_abi1_abi1_policy_la_CPPFLAGS = -I$(top_srcdir)/tests/abi1/include
tests_abi1_abi1_policy_la_CFLAGS = $(PLUGINCFLAGS)
tests_abi1_abi1_policy_la_LDFLAGS = $(TESTPLUGIN_LDFLAGS) $(TESTPLUGIN_ENTRY_ONLY)
check_LTLIBRARIES += tests/abi1/abi1_dialect.la
tests_abi1_abi1_dialect_la_SOURCES = tests/abi1/abi1_dialect.c
tests_abi1_abi1_dialect_la_CPPFLAGS = -I$(top_srcdir)/tests/abi1/include
tests_abi1_abi1_dialect_la_CFLAGS = $(PLUGINCFLAGS)
tests_abi1_abi1_dialect_la_LDFLAGS = $(TESTPLUGIN_LDFLAGS) $(TESTPLUGIN_ENTRY_ONLY)
tests_abi1_liblayout_old_la_SOURCES = tests/abi1/layout.c tests/abi1/layout.h
tests_abi1_liblayout_old_la_CPPFLAGS = -DLAYOUT_OLD -I$(top_srcdir)/tests/abi1/include
check_PROGRAMS += tests/abi1/test_layout
TESTS += tests/abi1/test_layout
tests_abi1_test_layout_SOURCES = tests/abi1/test_layout.c tests/abi1/layout.c tests/abi1/layout.h
tests_abi1_test_layout_LDADD = tests/abi1/liblayout_old.la
# the C++ module is built by abi.sh with the C++ compiler, when there is one
EXTRA_DIST += $(abi1_frozen_headers) tests/abi1/README tests/plugins/cxx_notify.cpp

# a dialect from before reflect (its vtable ends where reflect begins): schema dump refuses it
check_LTLIBRARIES += tests/plugins/noreflect.la
tests_plugins_noreflect_la_SOURCES = tests/plugins/noreflect.c
tests_plugins_noreflect_la_CFLAGS = $(PLUGINCFLAGS)
tests_plugins_noreflect_la_LDFLAGS = $(TESTPLUGIN_LDFLAGS) $(TESTPLUGIN_ENTRY_ONLY)

# Broken copies of the sqlite dialect for the conformance kit (selftest.sh):
# the plugin's sources with their entry renamed, and broken_dialect.c's entry
# handing the dialect out with quoting disabled, or with rollback committing.
if BUILD_PLUGIN_SQLITE
check_LTLIBRARIES += tests/plugins/brokenquote.la tests/plugins/brokenrollback.la
tests_plugins_brokenquote_la_SOURCES = tests/plugins/broken_dialect.c $(SQLITE_PLUGIN_SOURCES)
tests_plugins_brokenquote_la_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/plugins/common \
	-Dretort_plugin_entry=sqlite_inner_entry -DBROKEN_NAME='"brokenquote"' -DBROKEN_QUOTING
tests_plugins_brokenquote_la_CFLAGS = $(PLUGINCFLAGS) $(SQLITE_CFLAGS)
tests_plugins_brokenquote_la_LDFLAGS = $(TESTPLUGIN_LDFLAGS) $(TESTPLUGIN_ENTRY_ONLY)
tests_plugins_brokenquote_la_LIBADD = plugins/common/libsqlwriter.la $(SQLITE_LIBS)
tests_plugins_brokenrollback_la_SOURCES = tests/plugins/broken_dialect.c $(SQLITE_PLUGIN_SOURCES)
tests_plugins_brokenrollback_la_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/plugins/common \
	-Dretort_plugin_entry=sqlite_inner_entry -DBROKEN_NAME='"brokenrollback"' -DBROKEN_ROLLBACK
tests_plugins_brokenrollback_la_CFLAGS = $(PLUGINCFLAGS) $(SQLITE_CFLAGS)
tests_plugins_brokenrollback_la_LDFLAGS = $(TESTPLUGIN_LDFLAGS) $(TESTPLUGIN_ENTRY_ONLY)
tests_plugins_brokenrollback_la_LIBADD = plugins/common/libsqlwriter.la $(SQLITE_LIBS)
endif
