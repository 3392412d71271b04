# The sqlite dialect (a libtool module built into plugins/ of the build
# tree) and its CUnit suite.
SQLITE_PLUGIN_SOURCES = plugins/sqlite/sqlite_int.h plugins/sqlite/sqlite.c plugins/sqlite/render.c \
	plugins/sqlite/rebuild_int.h plugins/sqlite/rebuild.c plugins/sqlite/rebuild_table.c \
	plugins/sqlite/reflect.c

if BUILD_PLUGIN_SQLITE
pkglib_LTLIBRARIES += plugins/sqlite.la
plugins_sqlite_la_SOURCES = $(SQLITE_PLUGIN_SOURCES)
plugins_sqlite_la_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/plugins/common
plugins_sqlite_la_CFLAGS = $(PLUGINCFLAGS) $(SQLITE_CFLAGS)
plugins_sqlite_la_LDFLAGS = $(PLUGINLDFLAGS)
plugins_sqlite_la_LIBADD = plugins/common/libsqlwriter.la $(SQLITE_LIBS)

if HAVE_CUNIT
# The suite compiles the plugin's sources in and drives them through the
# real host services of libretort.
check_PROGRAMS += tests/unit/test_dialect_sqlite
TESTS += tests/unit/test_dialect_sqlite
tests_unit_test_dialect_sqlite_SOURCES = tests/unit/test_dialect_sqlite.c tests/unit/cu.h tests/unit/op_fixture.h $(SQLITE_PLUGIN_SOURCES)
tests_unit_test_dialect_sqlite_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/plugins/sqlite -I$(top_srcdir)/plugins/common
tests_unit_test_dialect_sqlite_CFLAGS = $(AM_CFLAGS) $(SQLITE_CFLAGS) $(CUNIT_CFLAGS) $(LIBCONFIG_CFLAGS)
tests_unit_test_dialect_sqlite_LDADD = plugins/common/libsqlwriter.la core/libretort.la $(SQLITE_LIBS) $(CUNIT_LIBS)
endif
endif
