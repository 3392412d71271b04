# exec: post-write formatter and notification hook (one module, two kinds).
# hookutil.[ch] (JSON, environment) is shared with hooks/jsonlog.
pkglib_LTLIBRARIES += hooks/exec.la
hooks_exec_la_SOURCES = hooks/exec/exec.c hooks/exec/hookutil.c hooks/exec/hookutil.h
hooks_exec_la_CFLAGS = $(PLUGINCFLAGS)
hooks_exec_la_LDFLAGS = $(PLUGINLDFLAGS)

# Unit tests of the exec, jsonlog and convention modules.  The test loads
# the built modules (hooks/exec.la, hooks/jsonlog.la, plugins/convention.la)
# with libltdl, as the real loader does, and drives them through the real
# host services of core/libretort.la.  Each module defines
# retort_plugin_entry, so they cannot be linked into one program.
if HAVE_CUNIT
check_PROGRAMS += tests/unit/test_hooks
TESTS += tests/unit/test_hooks
tests_unit_test_hooks_SOURCES = tests/unit/test_hooks.c tests/unit/cu.h
tests_unit_test_hooks_CPPFLAGS = $(AM_CPPFLAGS) -DRT_TEST_BUILDDIR='"$(abs_top_builddir)"'
tests_unit_test_hooks_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS) $(LIBCONFIG_CFLAGS)
tests_unit_test_hooks_LDADD = core/libretort.la $(CUNIT_LIBS) $(LIBCONFIG_LIBS) $(LTDL_LIBS)
EXTRA_tests_unit_test_hooks_DEPENDENCIES = hooks/exec.la hooks/jsonlog.la plugins/convention.la
endif
