# What the dialects share, the statement writer and small utilities: a
# convenience library (not installed) compiled into each dialect module,
# -fPIC as the modules are.  It sees only include/retort/.
noinst_LTLIBRARIES += plugins/common/libsqlwriter.la
plugins_common_libsqlwriter_la_SOURCES = plugins/common/sqlwriter.h plugins/common/sqlwriter.c \
	plugins/common/plugutil.h plugins/common/plugutil.c
plugins_common_libsqlwriter_la_CPPFLAGS = -I$(top_srcdir)/include -I$(top_builddir)/include
plugins_common_libsqlwriter_la_CFLAGS = $(PLUGINCFLAGS)
