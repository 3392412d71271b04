# The mysql dialect (MySQL and MariaDB, through MariaDB Connector/C).
if BUILD_PLUGIN_MYSQL
pkglib_LTLIBRARIES += plugins/mysql.la
plugins_mysql_la_SOURCES = plugins/mysql/my.h plugins/mysql/my_conn.h plugins/mysql/mysql.c plugins/mysql/render.c plugins/mysql/reflect.c
plugins_mysql_la_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/plugins/common
plugins_mysql_la_CFLAGS = $(PLUGINCFLAGS) $(MYSQL_CFLAGS)
plugins_mysql_la_LDFLAGS = $(PLUGINLDFLAGS)
plugins_mysql_la_LIBADD = plugins/common/libsqlwriter.la $(MYSQL_LIBS)

if HAVE_CUNIT
check_PROGRAMS += tests/unit/test_dialect_mysql
TESTS += tests/unit/test_dialect_mysql
tests_unit_test_dialect_mysql_SOURCES = tests/unit/test_dialect_mysql.c tests/unit/cu.h tests/unit/dialect_fixture.h tests/unit/op_fixture.h \
	plugins/mysql/my.h plugins/mysql/my_conn.h plugins/mysql/mysql.c plugins/mysql/render.c plugins/mysql/reflect.c
tests_unit_test_dialect_mysql_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/plugins/mysql -I$(top_srcdir)/plugins/common
tests_unit_test_dialect_mysql_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS) $(LIBCONFIG_CFLAGS) $(MYSQL_CFLAGS)
tests_unit_test_dialect_mysql_LDADD = plugins/common/libsqlwriter.la core/libretort.la $(CUNIT_LIBS) $(MYSQL_LIBS)
endif
endif
