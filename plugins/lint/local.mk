# lint: naming policy checking scripts against house and production-safety rules.
pkglib_LTLIBRARIES += plugins/lint.la
plugins_lint_la_SOURCES = plugins/lint/lint.c plugins/lint/lint_int.h plugins/lint/sqltext.c plugins/lint/types.c
plugins_lint_la_CFLAGS = $(PLUGINCFLAGS)
plugins_lint_la_LDFLAGS = $(PLUGINLDFLAGS)
