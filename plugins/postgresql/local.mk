# The postgresql dialect (libpq).
if BUILD_PLUGIN_POSTGRESQL
pkglib_LTLIBRARIES += plugins/postgresql.la
plugins_postgresql_la_SOURCES = plugins/postgresql/pg.h plugins/postgresql/pgconn.h plugins/postgresql/postgresql.c \
	plugins/postgresql/reflect.c plugins/postgresql/render.c
plugins_postgresql_la_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/plugins/common
plugins_postgresql_la_CFLAGS = $(PLUGINCFLAGS) $(LIBPQ_CFLAGS)
plugins_postgresql_la_LDFLAGS = $(PLUGINLDFLAGS)
plugins_postgresql_la_LIBADD = plugins/common/libsqlwriter.la $(LIBPQ_LIBS)

if HAVE_CUNIT
check_PROGRAMS += tests/unit/test_dialect_pg
TESTS += tests/unit/test_dialect_pg
tests_unit_test_dialect_pg_SOURCES = tests/unit/test_dialect_pg.c tests/unit/cu.h tests/unit/dialect_fixture.h tests/unit/op_fixture.h \
	plugins/postgresql/pg.h plugins/postgresql/pgconn.h plugins/postgresql/postgresql.c plugins/postgresql/reflect.c \
	plugins/postgresql/render.c
tests_unit_test_dialect_pg_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/plugins/postgresql -I$(top_srcdir)/plugins/common
tests_unit_test_dialect_pg_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS) $(LIBCONFIG_CFLAGS) $(LIBPQ_CFLAGS)
tests_unit_test_dialect_pg_LDADD = plugins/common/libsqlwriter.la core/libretort.la $(CUNIT_LIBS) $(LIBPQ_LIBS)
endif
endif
