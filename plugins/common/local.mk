# The statement writer the dialects share: a convenience library (not
# installed) compiled into each dialect module, -fPIC as the modules are.
# It sees only include/retort/.
noinst_LTLIBRARIES += plugins/common/libsqlwriter.la
plugins_common_libsqlwriter_la_SOURCES = plugins/common/sqlwriter.h plugins/common/sqlwriter.c
plugins_common_libsqlwriter_la_CPPFLAGS = -I$(top_srcdir)/include -I$(top_builddir)/include
plugins_common_libsqlwriter_la_CFLAGS = $(PLUGINCFLAGS)
