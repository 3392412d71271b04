# Integration tests: shell scripts driving the built retort binary.
TEST_EXTENSIONS = .sh
SH_LOG_COMPILER = $(SHELL) $(srcdir)/tests/lib/wrapper.sh
AM_TESTS_ENVIRONMENT = \
	top_builddir='$(abs_top_builddir)'; export top_builddir; \
	top_srcdir='$(abs_top_srcdir)'; export top_srcdir; \
	RETORT='$(abs_top_builddir)/retort'; export RETORT; \
	RETORT_PLUGIN_PATH='$(abs_top_builddir)/plugins:$(abs_top_builddir)/hooks'; export RETORT_PLUGIN_PATH; \
	RETORT_TEST_PLUGIN_DIR='$(abs_top_builddir)/tests/plugins'; export RETORT_TEST_PLUGIN_DIR; \
	LD_BIND_NOW=1; export LD_BIND_NOW; \
	LSAN_OPTIONS="suppressions=$(abs_top_srcdir)/tests/lib/lsan.supp:print_suppressions=0"; export LSAN_OPTIONS;
integration_tests = tests/integration/migrate.sh tests/integration/graph.sh tests/integration/concurrency.sh tests/integration/crash.sh tests/integration/plugins.sh tests/integration/hooks.sh tests/integration/sdk.sh tests/integration/rebuild.sh tests/integration/ops.sh tests/integration/example.sh
TESTS += $(integration_tests)
EXTRA_DIST += $(integration_tests) tests/lib/common.sh tests/lib/url.sh tests/lib/catalog.sh tests/lib/wrapper.sh tests/lib/lsan.supp tests/lib/valgrind.supp tests/lib/servers.sh

# Fuzz targets with plain drivers: the corpora run under make check.
fuzz_programs = tests/fuzz/fuzz_config tests/fuzz/fuzz_target tests/fuzz/fuzz_script tests/fuzz/fuzz_sqlsplit
check_PROGRAMS += $(fuzz_programs)
FUZZ_CFLAGS = $(AM_CFLAGS) $(LIBCONFIG_CFLAGS)
tests_fuzz_fuzz_config_SOURCES = tests/fuzz/fuzz_config.c tests/fuzz/driver.h
tests_fuzz_fuzz_config_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_fuzz_config_LDADD = core/libretort.la
tests_fuzz_fuzz_target_SOURCES = tests/fuzz/fuzz_target.c tests/fuzz/driver.h
tests_fuzz_fuzz_target_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_fuzz_target_LDADD = core/libretort.la
tests_fuzz_fuzz_script_SOURCES = tests/fuzz/fuzz_script.c tests/fuzz/driver.h
tests_fuzz_fuzz_script_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_fuzz_script_LDADD = core/libretort.la
tests_fuzz_fuzz_sqlsplit_SOURCES = tests/fuzz/fuzz_sqlsplit.c tests/fuzz/driver.h
tests_fuzz_fuzz_sqlsplit_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_fuzz_sqlsplit_LDADD = core/libretort.la
TESTS += tests/fuzz/corpora.sh
EXTRA_DIST += tests/fuzz/corpora.sh tests/fuzz/corpora
TESTS += tests/integration/docs.sh
EXTRA_DIST += tests/integration/docs.sh
TESTS += tests/integration/abi.sh
EXTRA_DIST += tests/integration/abi.sh
TESTS += tests/integration/versions_folder.sh
EXTRA_DIST += tests/integration/versions_folder.sh
TESTS += tests/integration/revision.sh
EXTRA_DIST += tests/integration/revision.sh
TESTS += tests/integration/hostile.sh
EXTRA_DIST += tests/integration/hostile.sh
TESTS += tests/integration/halfway.sh
EXTRA_DIST += tests/integration/halfway.sh
TESTS += tests/integration/secrets.sh
EXTRA_DIST += tests/integration/secrets.sh
TESTS += tests/integration/cli.sh
EXTRA_DIST += tests/integration/cli.sh
TESTS += tests/integration/literals.sh
EXTRA_DIST += tests/integration/literals.sh
TESTS += tests/integration/naming.sh
EXTRA_DIST += tests/integration/naming.sh
TESTS += tests/integration/fleet_sqlite.sh tests/integration/fleet_postgresql.sh tests/integration/fleet_mysql.sh
EXTRA_DIST += tests/integration/fleet_sqlite.sh tests/integration/fleet_postgresql.sh tests/integration/fleet_mysql.sh \
	tests/integration/fleet_lib.sh
TESTS += tests/integration/fleet_config.sh
EXTRA_DIST += tests/integration/fleet_config.sh
