# CUnit suites, one program per core module.
if HAVE_CUNIT
UNIT_LDADD = core/libretort.la $(CUNIT_LIBS)
UNIT_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS) $(LIBCONFIG_CFLAGS)
unit_tests = tests/unit/test_config tests/unit/test_url tests/unit/test_script tests/unit/test_sqlsplit \
	tests/unit/test_graph tests/unit/test_target tests/unit/test_cache \
	tests/unit/test_revwrite
check_PROGRAMS += $(unit_tests)
TESTS += $(unit_tests)
tests_unit_test_config_SOURCES = tests/unit/test_config.c tests/unit/cu.h
tests_unit_test_config_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_config_LDADD = $(UNIT_LDADD)
tests_unit_test_url_SOURCES = tests/unit/test_url.c tests/unit/cu.h
tests_unit_test_url_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_url_LDADD = $(UNIT_LDADD)
tests_unit_test_script_SOURCES = tests/unit/test_script.c tests/unit/cu.h
tests_unit_test_script_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_script_LDADD = $(UNIT_LDADD)
tests_unit_test_sqlsplit_SOURCES = tests/unit/test_sqlsplit.c tests/unit/cu.h
tests_unit_test_sqlsplit_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_sqlsplit_LDADD = $(UNIT_LDADD)
tests_unit_test_graph_SOURCES = tests/unit/test_graph.c tests/unit/cu.h tests/unit/graphfix.h
tests_unit_test_graph_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_graph_LDADD = $(UNIT_LDADD)
tests_unit_test_target_SOURCES = tests/unit/test_target.c tests/unit/cu.h tests/unit/graphfix.h
tests_unit_test_target_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_target_LDADD = $(UNIT_LDADD)
tests_unit_test_cache_SOURCES = tests/unit/test_cache.c tests/unit/cu.h
tests_unit_test_cache_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_cache_LDADD = $(UNIT_LDADD)
tests_unit_test_revwrite_SOURCES = tests/unit/test_revwrite.c tests/unit/cu.h
tests_unit_test_revwrite_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_revwrite_LDADD = $(UNIT_LDADD)
endif
if HAVE_CUNIT
check_PROGRAMS += tests/unit/test_schema
TESTS += tests/unit/test_schema
tests_unit_test_schema_SOURCES = tests/unit/test_schema.c tests/unit/cu.h
tests_unit_test_schema_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_schema_LDADD = $(UNIT_LDADD)
endif
# retort test's report: text lines, JSON, JUnit XML (core/lib/rtest_report.c)
check_PROGRAMS += tests/unit/test_rtest
TESTS += tests/unit/test_rtest
tests_unit_test_rtest_SOURCES = tests/unit/test_rtest.c tests/unit/cu.h
tests_unit_test_rtest_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_rtest_LDADD = $(UNIT_LDADD)
