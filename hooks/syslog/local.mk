# syslog: notification hook writing one line per event to the system log.
pkglib_LTLIBRARIES += hooks/syslog.la
hooks_syslog_la_SOURCES = hooks/syslog/syslog.c hooks/exec/hookutil.c hooks/exec/hookutil.h
hooks_syslog_la_CFLAGS = $(PLUGINCFLAGS)
hooks_syslog_la_LDFLAGS = $(PLUGINLDFLAGS)
