# sqlformat: post-write formatter giving .conf and .sql revisions one layout.
pkglib_LTLIBRARIES += hooks/sqlformat.la
hooks_sqlformat_la_SOURCES = hooks/sqlformat/sqlformat.c hooks/sqlformat/sqlformat.h hooks/sqlformat/conffmt.c \
	hooks/sqlformat/sqlfmt.c hooks/exec/hookutil.c hooks/exec/hookutil.h
hooks_sqlformat_la_CFLAGS = $(PLUGINCFLAGS)
hooks_sqlformat_la_LDFLAGS = $(PLUGINLDFLAGS)

# fmtrun: runs a formatter module on any file (tests/integration/sqlformat.sh)
check_PROGRAMS += hooks/sqlformat/fmtrun
hooks_sqlformat_fmtrun_SOURCES = hooks/sqlformat/fmtrun.c
hooks_sqlformat_fmtrun_CFLAGS = $(AM_CFLAGS) $(LIBCONFIG_CFLAGS)
hooks_sqlformat_fmtrun_LDADD = core/libretort.la $(LIBCONFIG_LIBS) $(LTDL_LIBS)
