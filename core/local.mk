# libretort (core/lib) and the retort command line (core/cli).
noinst_LTLIBRARIES += core/libretort.la
core_libretort_la_SOURCES = \
	core/lib/rt.h core/lib/util.c core/lib/revision.c core/lib/host.h core/lib/host.c \
	core/lib/revision.h core/lib/script.h core/lib/script.c \
	core/lib/sqlsplit.h core/lib/sqlsplit.c \
	core/lib/graph.h core/lib/graph.c core/lib/cache.h core/lib/cache.c \
	core/lib/rtconfig.h core/lib/rtconfig.c \
	core/lib/url.h core/lib/url.c \
	core/lib/plugin_loader.h core/lib/plugin_loader.c \
	core/lib/runner.h core/lib/runner.c core/lib/naming.c
core_libretort_la_CFLAGS = $(AM_CFLAGS) $(LIBCONFIG_CFLAGS) $(CRYPTO_CFLAGS)
core_libretort_la_LIBADD = $(LIBCONFIG_LIBS) $(CRYPTO_LINK) $(DL_LIBS) $(LTDL_LIBS)

bin_PROGRAMS += retort
retort_SOURCES = core/cli/retort.c
retort_CFLAGS = $(AM_CFLAGS) $(LIBCONFIG_CFLAGS)
retort_LDADD = core/libretort.la
