# jsonlog: notification hook appending one JSON line per event.
pkglib_LTLIBRARIES += hooks/jsonlog.la
hooks_jsonlog_la_SOURCES = hooks/jsonlog/jsonlog.c hooks/exec/hookutil.c hooks/exec/hookutil.h
hooks_jsonlog_la_CFLAGS = $(PLUGINCFLAGS)
hooks_jsonlog_la_LDFLAGS = $(PLUGINLDFLAGS)
