# lint: naming policy checking scripts against house and production-safety rules.
pkglib_LTLIBRARIES += plugins/lint.la
plugins_lint_la_SOURCES = plugins/lint/lint.c plugins/lint/lint_int.h plugins/lint/sqltext.c plugins/lint/types.c
plugins_lint_la_CFLAGS = $(PLUGINCFLAGS)
plugins_lint_la_LDFLAGS = $(PLUGINLDFLAGS)

if HAVE_CUNIT
check_PROGRAMS += tests/unit/test_lint_types
TESTS += tests/unit/test_lint_types
tests_unit_test_lint_types_SOURCES = tests/unit/test_lint_types.c tests/unit/cu.h plugins/lint/types.c
tests_unit_test_lint_types_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/plugins/lint
tests_unit_test_lint_types_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_test_lint_types_LDADD = $(CUNIT_LIBS)
endif
