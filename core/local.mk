# libretort (core/lib) and the retort command line (core/cli).
noinst_LTLIBRARIES += core/libretort.la
core_libretort_la_SOURCES = \
	core/lib/rt.h core/lib/util.c core/lib/revision.c core/lib/host.h core/lib/host.c \
	core/lib/revision.h core/lib/script.h core/lib/script_priv.h core/lib/script.c core/lib/script_conf.c \
	core/lib/script_scan.c core/lib/script_sql.c core/lib/conftext.h core/lib/conftext.c \
	core/lib/sqlsplit.h core/lib/sqlsplit.c \
	core/lib/graph.h core/lib/graph_int.h core/lib/graph.c core/lib/graph_load.c \
	core/lib/graph_target.c core/lib/graph_plan.c core/lib/cache.h core/lib/cache.c \
	core/lib/parfor.h core/lib/parfor.c \
	core/lib/rtconfig.h core/lib/rtconfig.c \
	core/lib/url.h core/lib/url.c \
	core/lib/plugin_loader.h core/lib/plugin_loader.c core/lib/plugin_search.h core/lib/plugin_search.c \
	core/lib/runner.h core/lib/runner_int.h core/lib/runner.c core/lib/history.c core/lib/offline.c \
	core/lib/revwrite.h core/lib/revwrite.c \
	core/lib/report.h core/lib/report.c \
	core/lib/histread.h core/lib/histread.c \
	core/lib/plugin_list.h core/lib/plugin_list.c \
	core/lib/naming.c \
	core/lib/schema.h core/lib/schema.c core/lib/schema_write.c core/lib/schema_sql.c \
	core/lib/schema_read.c core/lib/diff.h core/lib/diff_int.h core/lib/diff.c core/lib/diff_ops.c core/lib/diff_rename.c core/lib/opwrite.h core/lib/opwrite.c \
	core/lib/autogen.h core/lib/autogen.c core/lib/schema_norm.c
core_libretort_la_SOURCES += core/lib/lint.h core/lib/lint.c
core_libretort_la_SOURCES += core/lib/fleet.h core/lib/fleet.c core/lib/fleet_targets.c
core_libretort_la_CFLAGS = $(AM_CFLAGS) $(LIBCONFIG_CFLAGS) $(CRYPTO_CFLAGS)
core_libretort_la_LIBADD = $(LIBCONFIG_LIBS) $(CRYPTO_LIBS) $(LTDL_LIBS)
# who holds the migration lock (lock events, `retort lock`)
core_libretort_la_SOURCES += core/lib/lockinfo.c

bin_PROGRAMS += retort
retort_SOURCES = core/cli/retort.c core/cli/cli.h core/cli/show.c core/cli/schema.c core/cli/autogen.c
retort_SOURCES += core/cli/lint.c
retort_SOURCES += core/cli/fleet.c
retort_CFLAGS = $(AM_CFLAGS) $(LIBCONFIG_CFLAGS)
retort_LDADD = core/libretort.la
retort_SOURCES += core/cli/lock.c
# retort test (core/lib/rtest.c: the checks; rtest_report.c: text, JSON, JUnit)
core_libretort_la_SOURCES += core/lib/rtest.h core/lib/rtest.c core/lib/rtest_report.c
retort_SOURCES += core/cli/test.c
# the dialect conformance kit (retort selftest)
core_libretort_la_SOURCES += core/lib/selftest.h core/lib/selftest_int.h core/lib/selftest.c core/lib/selftest_ops.c \
	core/lib/selftest_tx.c core/lib/selftest_reflect.c
retort_SOURCES += core/cli/selftest.c
