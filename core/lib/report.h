/*
 * Progress lines, warnings and plugins' log lines of the library: the
 * library never prints; it hands each one to the callback the program
 * installed (the command line prints them on standard error).  With no
 * callback installed they are dropped.
 */
#ifndef RT_REPORT_H
#define RT_REPORT_H

#include "rt.h"

typedef enum rt_report_kind {
	RT_REPORT_PROGRESS, /* text to show as it is: "Running upgrade ...\n", or a partial progress line */
	RT_REPORT_WARNING,  /* one message: no "warning:" prefix, no newline */
	RT_REPORT_LOG       /* a plugin's log line, "LEVEL: PLUGIN: message", no newline */
} rt_report_kind;

typedef void (*rt_report_fn)(void *arg, rt_report_kind kind, const char *text);

/** Install the callback (NULL: drop everything).  Not thread-safe: set it once at start. */
void rt_report_set(rt_report_fn fn, void *arg);
/**
 * This thread's warnings and log lines start with "prefix: " (a fleet
 * target's name; NULL: none).  The callback is called by one thread at a
 * time (a fleet's workers report from theirs).
 */
void rt_report_prefix(const char *prefix);
/** Format and hand one report to the callback. */
void rt_report(rt_report_kind kind, const char *fmt, ...) RT_PRINTF(2, 3);
void rt_vreport(rt_report_kind kind, const char *fmt, va_list ap);

#endif
