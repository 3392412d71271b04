/*
 * retort: the command line.  Parses arguments (one table describes every
 * command and option), calls libretort, prints.  The only place that
 * prints results and errors; the library's progress lines and warnings
 * come through the callback installed here.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>

#include "cli.h"
#include "graph.h"
#include "plugin_loader.h"
#include "report.h"
#include "revwrite.h"
#include "rtconfig.h"
#include "runner.h"
#include "script.h"

/* ---- options ---- */

enum {
	O_MESSAGE = 1, O_AUTOGEN, O_FORMAT, O_REVID, O_HEAD, O_SPLICE, O_BRANCHLABEL, O_DEPENDSON, O_VERSIONPATH,
	O_SQL, O_PURGE, O_VERBOSE, O_RESOLVE, O_RANGE, O_INDICATE, O_DIALECT, O_CHECKHEADS, O_REV, O_OUTCOME,
	O_LIMIT, O_CHECKSUMS, O_SCHEMAFMT, O_OUTPUT, O_STATS, O_ALLOWEMPTY, O_TESTURL, O_ONLY, O_RESET, O_JUNIT,
	O_ALL, O_TARGET, O_TAG, O_JOBS, O_FAILFAST, /* the fleet's: on every command flagged C_FLEET */
	O_STDIALECT, O_STURL, O_CLIENT, O_STONLY, O_KEEP /* selftest's */
};

typedef struct optdef {
	int id;
	const char *shortname, *longname;
	const char *arg; /* the value's name; NULL for a flag */
	const char *help;
} optdef;

static const optdef cmd_opts[] = {
	{O_MESSAGE, "-m", "--message", "MSG", "the message; its words make the file name's slug"},
	{O_AUTOGEN, NULL, "--autogenerate", NULL, "fill the script from the difference with target_schema"},
	{O_FORMAT, NULL, "--format", "conf|sql", "the script format (default conf)"},
	{O_REVID, NULL, "--rev-id", "ID", "use ID instead of a random 12-digit hexadecimal id"},
	{O_HEAD, NULL, "--head", "REV", "the parent (default head; base starts a new base)"},
	{O_SPLICE, NULL, "--splice", NULL, "allow --head to name a revision that is not a head"},
	{O_BRANCHLABEL, NULL, "--branch-label", "LABEL", "give the new revision a branch label (repeatable)"},
	{O_DEPENDSON, NULL, "--depends-on", "REV", "depend on REV: a revision, a prefix or a label (repeatable)"},
	{O_VERSIONPATH, NULL, "--version-path", "DIR", "write into DIR, one of the version locations"},
	{O_SQL, NULL, "--sql", NULL, "print the SQL instead of running it, without connecting (TARGET may be FROM:TO)"},
	{O_PURGE, NULL, "--purge", NULL, "empty the version table first"},
	{O_VERBOSE, "-v", "--verbose", NULL, "each revision in full"},
	{O_RESOLVE, NULL, "--resolve-dependencies", NULL, "treat dependencies as parents"},
	{O_RANGE, "-r", "--rev-range", "RANGE", "only the revisions in RANGE (FROM:TO, :TO, FROM:, current:)"},
	{O_INDICATE, "-i", "--indicate-current", NULL, "mark the revisions the database is at with (current)"},
	{O_DIALECT, NULL, "--dialect", "NAME",
	 "the database URL written: sqlite (default), postgresql, mysql, or a dialect on the plugin path"},
	{O_CHECKHEADS, NULL, "--check-heads", NULL, "exit 1 unless the database is at every head"},
	{O_REV, "-r", "--rev", "REV", "only the rows of revision REV (its full id)"},
	{O_OUTCOME, NULL, "--outcome", "ok|failed|repaired", "only the rows with that outcome"},
	{O_LIMIT, "-n", "--limit", "N", "at most N rows (the newest)"},
	{O_CHECKSUMS, NULL, "--checksums", NULL, "accept edited scripts: record their new checksums"},
	{O_SCHEMAFMT, NULL, "--format", "conf|sql", "a target-schema file (conf, the default) or DDL for the database (sql)"},
	{O_OUTPUT, "-o", "--output", "FILE", "write FILE (replaced atomically) instead of standard output"},
	{O_STATS, "-v", "--verbose", NULL, "print `schema dump: N tables, K round trips, T ms` on standard error"},
	{O_ALL, NULL, "--all", NULL, "every database of the fleet (databases, databases_from)"},
	{O_TARGET, NULL, "--target", "NAME", "the fleet's database NAME (repeatable)"},
	{O_TAG, NULL, "--tag", "TAG", "the fleet's databases tagged TAG (repeatable)"},
	{O_JOBS, NULL, "--jobs", "N", "run N databases at once (default 4; one connection each)"},
	{O_FAILFAST, NULL, "--fail-fast", NULL, "after a database fails, start no other"},
	{O_ALLOWEMPTY, NULL, "--allow-empty", NULL, "with --autogenerate: write the revision even when nothing differs"},
	{O_TESTURL, NULL, "--url", "URL", "the database to test on (default: SQLite, a temporary file; else database.url)"},
	{O_ONLY, NULL, "--only", "NAME", "run only check NAME (repeatable)"},
	{O_RESET, NULL, "--reset", NULL, "empty the database first when it is not empty (else refused)"},
	{O_JUNIT, NULL, "--junit", "FILE", "also write the results as JUnit XML to FILE"},
	{O_STDIALECT, NULL, "--dialect", "NAME", "the dialect plugin to test: a module name or a path (required)"},
	{O_STURL, NULL, "--url", "URL", "a scratch database of that dialect (required; its rst_* objects are dropped)"},
	{O_CLIENT, NULL, "--client", "COMMAND", "the database's client, reading SQL on standard input (offline scenario)"},
	{O_STONLY, NULL, "--only", "SCENARIO", "run only this scenario (repeatable)"},
	{O_KEEP, NULL, "--keep", NULL, "keep the temporary projects (their folder is printed)"},
	{0, NULL, NULL, NULL, NULL}};

/* ---- commands ---- */

enum {
	C_CONFIG = 1,     /* reads retort.conf */
	C_GRAPH = 2,      /* loads the revision graph */
	C_READ_ONLY = 4,  /* connects read-only */
	C_JSON = 8,       /* has --json output */
	C_NO_CTX = 16,    /* the handler opens what it needs (ctx->cfg may be NULL) */
	C_OPT_CONFIG = 32, /* works without a retort.conf too */
	C_FLEET = 64       /* takes the fleet options (fleet.c) */
};

static int is_fleet_opt(int id)
{
	return id == O_ALL || id == O_TARGET || id == O_TAG || id == O_JOBS || id == O_FAILFAST;
}

static int cmd_init(rt_ctx *ctx, opts *o);
static int cmd_revision(rt_ctx *ctx, opts *o);
static int cmd_merge(rt_ctx *ctx, opts *o);
static int cmd_upgrade(rt_ctx *ctx, opts *o);
static int cmd_downgrade(rt_ctx *ctx, opts *o);
static int cmd_stamp(rt_ctx *ctx, opts *o);
static int cmd_repair(rt_ctx *ctx, opts *o);

#define RD (C_CONFIG | C_GRAPH | C_READ_ONLY)
#define MAX_OPTS 10
#define ANY (-1)

typedef struct command {
	const char *name;
	int (*run)(rt_ctx *ctx, opts *o);
	unsigned flags;
	int min_args, max_args; /* positionals (ANY: no upper bound) */
	int opts[MAX_OPTS];
	const char *args;    /* the positionals in the synopsis ("TARGET", "[REV...]") */
	const char *summary; /* one line, for retort --help */
	const char *help;    /* arguments and notes, for retort COMMAND --help */
	const char *example;
} command;

static const command commands[] = {
	{"init", cmd_init, 0, 1, 1, {O_DIALECT}, "DIR", "start a project: retort.conf, DIR/versions/, templates",
	 "DIR  the project's scripts folder (must be absent or empty); retort.conf is written here.\n",
	 "retort init --dialect postgresql migrations"},
	{"revision", cmd_revision, C_CONFIG | C_GRAPH | C_JSON, 0, 0,
	 {O_MESSAGE, O_AUTOGEN, O_FORMAT, O_REVID, O_HEAD, O_SPLICE, O_BRANCHLABEL, O_DEPENDSON, O_VERSIONPATH,
	  O_ALLOWEMPTY},
	 "",
	 "write a new revision script",
	 "The file is named after file_template, filled from the project's template, read back,\n"
	 "then given to the formatter plugins.\n",
	 "retort revision -m \"add email\""},
	{"upgrade", cmd_upgrade, C_CONFIG | C_GRAPH | C_FLEET, 1, 1, {O_SQL}, "TARGET", "apply revisions up to TARGET",
	 "TARGET  head, heads, a revision id or unique prefix, +N, LABEL@head, ... (retort(1), TARGETS)\n",
	 "retort upgrade head"},
	{"downgrade", cmd_downgrade, C_CONFIG | C_GRAPH | C_FLEET, 1, 1, {O_SQL}, "TARGET", "revert revisions down to TARGET",
	 "TARGET  base, -N, a revision id or prefix, LABEL@-1, ... (with --sql: a range FROM:TO)\n",
	 "retort downgrade -1"},
	{"current", cmd_current, RD | C_JSON | C_FLEET, 0, 0, {O_VERBOSE, O_CHECKHEADS}, "",
	 "the revisions the database is at", "Markers: (head), (effective head), (branchpoint), (mergepoint), (failed).\n",
	 "retort current -v"},
	{"heads", cmd_heads, RD | C_JSON, 0, 0, {O_VERBOSE, O_RESOLVE}, "", "the head revisions of the scripts", "",
	 "retort heads --resolve-dependencies"},
	{"branches", cmd_branches, RD | C_JSON, 0, 0, {O_VERBOSE}, "", "the branch points and their children", "",
	 "retort branches -v"},
	{"history", cmd_history, RD | C_JSON, 0, 0, {O_RANGE, O_VERBOSE, O_INDICATE}, "",
	 "the revisions, newest first, in graph order", "", "retort history -r -3:current -i"},
	{"show", cmd_show, RD | C_JSON, 1, 1, {0}, "REV", "one revision in full",
	 "REV  a revision id or prefix, head, heads, current, a branch label\n", "retort show head"},
	{"merge", cmd_merge, C_CONFIG | C_GRAPH | C_JSON, 1, ANY, {O_MESSAGE, O_REVID, O_BRANCHLABEL}, "REV...",
	 "write a merge revision over REVs", "REV...  the revisions to merge (at least two heads), or heads for every head\n",
	 "retort merge -m \"merge billing\" heads"},
	{"stamp", cmd_stamp, C_CONFIG | C_GRAPH | C_FLEET, 1, ANY, {O_PURGE, O_SQL}, "TARGET...",
	 "set the version table without running any script",
	 "TARGET...  the revisions to stamp (with --sql: a range FROM:TO)\n", "retort stamp head"},
	{"check", cmd_check, RD | C_JSON | C_FLEET, 0, 0, {0}, "",
	 "exit 0 when the database at head matches target_schema, else 1 with the operations",
	 "Compares the live schema with target_schema as revision --autogenerate does; the\n"
	 "database must be at head.  Exit 1 lists the operations autogenerate would write.\n",
	 "retort check"},
	{"validate", cmd_validate, RD | C_JSON | C_FLEET, 0, 0, {0}, "",
	 "applied scripts still have the checksum they were applied with",
	 "Exit 1 when an applied script was edited since; after a review,\n"
	 "`retort repair --checksums` accepts the edit.\n",
	 "retort validate"},
	{"lint", cmd_lint, C_CONFIG | C_GRAPH | C_JSON, 0, ANY, {0}, "[REV...]",
	 "run the naming-policy plugins' checks over scripts", "REV...  the scripts to check (default: all)\n",
	 "retort lint head"},
	{"repair", cmd_repair, C_CONFIG, 0, ANY, {O_CHECKSUMS}, "[REV...]",
	 "clear a failure mark after a hand repair, or accept edited scripts",
	 "Without --checksums: record that a step that failed midway (on a dialect without\n"
	 "transactional DDL) was repaired by hand.  With --checksums: record the current\n"
	 "checksum of each applied script that was edited (REV...: only those; default: all).\n",
	 "retort repair --checksums ae1027a6acf0"},
	{"plugins", cmd_plugins, C_CONFIG | C_OPT_CONFIG | C_NO_CTX | C_JSON, 0, 0, {0}, "",
	 "every plugin declared or found on the plugin path",
	 "Works outside a project (no retort.conf): lists what the search path finds.\n"
	 "Exit 1 when one does not load (it is listed with its error).\n",
	 "retort plugins"},
	{"edit", cmd_edit, RD, 1, 1, {0}, "REV", "open a revision's script in an editor",
	 "REV  a revision id or prefix, head, current, ...\n"
	 "The editor: $VISUAL, else $EDITOR, else editor, else vi.\n",
	 "retort edit head"},
	{"test", cmd_test, C_CONFIG | C_GRAPH | C_JSON | C_FLEET, 0, 0, {O_TESTURL, O_ONLY, O_RESET, O_JUNIT}, "",
	 "prove the migrations on an empty database: single-head, upgrade, target-matches, roundtrip, stairway, data",
	 "Checks (each reported on its own line, passed, failed or skipped, with the revision and the reason):\n"
	 "  single-head     the scripts have expected_heads heads (retort.conf; default 1)\n"
	 "  upgrade         base to head, one revision at a time, each step succeeding\n"
	 "  target-matches  at head the database equals target_schema (as `check` compares); skipped when unset\n"
	 "  roundtrip       head to base leaves no table but retort's own\n"
	 "  stairway        each revision: up, down (schema as before it), up again (schema as the first time)\n"
	 "  data            each revision's test_data after its upgrade; its test_check true after the next\n"
	 "                  revision's upgrade and after that one's downgrade; skipped when no script has them\n"
	 "The database must be empty (else refused, exit 2, unless --reset); SQLite without --url runs on a\n"
	 "temporary file.  Passed: the database is left empty; failed: as the failing check left it.\n"
	 "Exit 0 when every check passed, 1 when one failed, 2 on bad input.\n",
	 "retort test --junit retort-test.xml"},
	{"log", cmd_log, C_CONFIG | C_READ_ONLY | C_JSON, 0, 0, {O_REV, O_OUTCOME, O_LIMIT}, "",
	 "the history table's rows, newest first",
	 "Each row: when, who@host, direction, revision, outcome, duration, the error's first line.\n",
	 "retort log --outcome failed -n 5"},
	{"schema", cmd_schema, C_CONFIG | C_READ_ONLY | C_JSON, 1, 1, {O_SCHEMAFMT, O_OUTPUT, O_STATS}, "dump",
	 "the live schema, reflected: a target-schema file or DDL (schema dump)",
	 "dump  the only subcommand: reflect the database and write its schema, sorted\n"
	 "      (tables by name, columns in position order); --json writes it as JSON.\n"
	 "retort's version and history tables are left out; objects retort cannot represent\n"
	 "are listed as warnings on standard error and the rest is written (exit 0).\n",
	 "retort schema dump -o migrations/schema.conf"},
	{"lock", cmd_lock, C_CONFIG | C_JSON, 0, 0, {0}, "", "who holds the migration lock now, and since when",
	 "Asks the database which session holds the lock `upgrade` takes: PostgreSQL and MariaDB name it (id, user,\n"
	 "application, client; PostgreSQL: when it connected).  SQLite can only say whether it is held: retort takes\n"
	 "the lock for an instant, so it opens the database for writing (and creates a missing file).\n",
	 "retort lock"},
	{"selftest", cmd_selftest, 0, 0, 0, {O_STDIALECT, O_STURL, O_CLIENT, O_STONLY, O_KEEP}, "",
	 "run the dialect conformance kit against a plugin and a database",
	 "Scenarios: types, ops, quoting, reflect, rollback, lock, offline, batch.  Output is TAP,\n"
	 "then `N passed, M failed, K skipped`.  Exit 0 when every check passed, 1 when one failed,\n"
	 "2 when the dialect does not load or the database does not connect.\n",
	 "retort selftest --dialect sqlite --url sqlite:///kit.db"},
	{NULL, NULL, 0, 0, 0, {0}, NULL, NULL, NULL, NULL}};

static const command *find_command(const char *name)
{
	const command *c;
	for (c = commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

static const optdef *find_opt(int id)
{
	const optdef *d;
	for (d = cmd_opts; d->id; d++)
		if (d->id == id)
			return d;
	return NULL;
}

/* one word of a synopsis, on a new line (indented) when the line would pass `width` columns */
static int syn_word(FILE *f, int col, const char *word, int indent, int width)
{
	if (col + 1 + (int)strlen(word) > width)
		col = fprintf(f, "\n%*s", indent, "") - 1;
	return col + fprintf(f, " %s", word);
}

/* "retort NAME [-m|--message MSG] [--sql] ARGS" into f */
static void synopsis(FILE *f, const command *c, int indent, int width)
{
	size_t i;
	int col = fprintf(f, "retort %s", c->name);
	for (i = 0; i < MAX_OPTS && c->opts[i]; i++) {
		const optdef *d = find_opt(c->opts[i]);
		char item[128];
		snprintf(item, sizeof item, "[%s%s%s%s%s]", d->shortname ? d->shortname : "", d->shortname ? "|" : "",
		         d->longname, d->arg ? " " : "", d->arg ? d->arg : "");
		col = syn_word(f, col, item, indent, width);
	}
	if (c->flags & C_FLEET) {
		col = syn_word(f, col, "[--all|--target NAME|--tag TAG]", indent, width);
		col = syn_word(f, col, "[--jobs N]", indent, width);
		col = syn_word(f, col, "[--fail-fast]", indent, width);
	}
	if (*c->args)
		syn_word(f, col, c->args, indent, width);
}

static void usage(FILE *f)
{
	const command *c;
	int first = 0;
	fputs("usage: retort [GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGS]\n\ncommands:\n", f);
	for (c = commands; c->name; c++) {
		fputs("  ", f);
		synopsis(f, c, 8, 100);
		fprintf(f, "\n      %s\n", c->summary);
	}
	fputs("\n"
	      "global options (before the command):\n"
	      "  -c, --config FILE   config file (default ./retort.conf or $RETORT_CONFIG)\n"
	      "  -n, --name NAME     use the group NAME of the config file as an overlay\n"
	      "  --url URL           override database.url\n"
	      "  -x KEY=VALUE        read as ${x.KEY} in the config file (repeatable)\n"
	      "  -q, --quiet         no progress output\n"
	      "  --json              one JSON document on standard output (",
	      f);
	for (c = commands; c->name; c++)
		if (c->flags & C_JSON)
			fprintf(f, "%s%s", first++ ? ", " : "", c->name);
	fputs(")\n"
	      "  --version           the version and the plugin ABI version\n"
	      "  -h, --help          this summary\n"
	      "\n"
	      "`retort COMMAND --help` shows a command's options, arguments and an example.  See retort(1).\n",
	      f);
}

static void cmd_usage(const command *c)
{
	size_t i;
	fputs("usage: ", stdout);
	synopsis(stdout, c, 13, 100);
	printf("\n\n%c%s.\n", toupper((unsigned char)c->summary[0]), c->summary + 1);
	if (*c->help)
		printf("\n%s", c->help);
	printf("\noptions:\n");
	for (i = 0; i < MAX_OPTS && c->opts[i]; i++) {
		const optdef *d = find_opt(c->opts[i]);
		char name[64];
		snprintf(name, sizeof name, "%s%s%s%s%s", d->shortname ? d->shortname : "", d->shortname ? ", " : "",
		         d->longname, d->arg ? " " : "", d->arg ? d->arg : "");
		printf("  %-30s %s\n", name, d->help);
	}
	for (i = 0; (c->flags & C_FLEET) && cmd_opts[i].id; i++) {
		const optdef *d = &cmd_opts[i];
		char name[64];
		if (!is_fleet_opt(d->id))
			continue;
		snprintf(name, sizeof name, "%s%s%s", d->longname, d->arg ? " " : "", d->arg ? d->arg : "");
		printf("  %-30s %s\n", name, d->help);
	}
	printf("  %-30s %s\n", "-h, --help", "this help");
	printf("\nGlobal options (retort --help) come before the command.\n\nexample:\n  %s\n\nSee retort(1).\n",
	       c->example);
}

/* Print a usage error, pointing at `retort [COMMAND] --help`; returns exit status 2. */
static int vdie_usage(const command *c, const char *fmt, va_list ap) RT_PRINTF(2, 0);
static int vdie_usage(const command *c, const char *fmt, va_list ap)
{
	fprintf(stderr, "retort: error: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, " (see retort %s%s--help)\n", c ? c->name : "", c ? " " : "");
	return 2;
}

static int die_usage(const char *fmt, ...) RT_PRINTF(1, 2);
static int die_usage(const char *fmt, ...)
{
	va_list ap;
	int rc;
	va_start(ap, fmt);
	rc = vdie_usage(NULL, fmt, ap);
	va_end(ap);
	return rc;
}

/* a usage error of command c */
static int die_cmd(const command *c, const char *fmt, ...) RT_PRINTF(2, 3);
static int die_cmd(const command *c, const char *fmt, ...)
{
	va_list ap;
	int rc;
	va_start(ap, fmt);
	rc = vdie_usage(c, fmt, ap);
	va_end(ap);
	return rc;
}

int usage_err(const char *fmt, ...)
{
	va_list ap;
	rt_buf b = RT_BUF_INIT;
	va_start(ap, fmt);
	rt_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	rt_error_set("%s (see retort --help)", rt_buf_cstr(&b));
	rt_buf_free(&b);
	return RETORT_EINVAL;
}

/* "-1", "+2" and friends are targets, not options */
static int looks_relative(const char *s)
{
	if ((s[0] == '-' || s[0] == '+') && isdigit((unsigned char)s[1])) {
		const char *p = s + 1;
		while (isdigit((unsigned char)*p))
			p++;
		return *p == '\0' || *p == ':';
	}
	return 0;
}

static int allowed(const command *c, int id)
{
	size_t j;
	if (is_fleet_opt(id))
		return (c->flags & C_FLEET) != 0;
	for (j = 0; j < MAX_OPTS && c->opts[j]; j++)
		if (c->opts[j] == id)
			return 1;
	return 0;
}

static int parse_limit(opts *o, const command *c, const char *val)
{
	char *end;
	unsigned long long n;
	errno = 0;
	n = strtoull(val, &end, 10);
	if (!isdigit((unsigned char)*val) || *end || errno || n == 0)
		return -die_cmd(c, "-n needs a positive number, not '%s'", val);
	o->limit = (size_t)n;
	return 0;
}

static int parse_jobs(opts *o, const command *c, const char *val)
{
	char *end;
	unsigned long n;
	errno = 0;
	n = strtoul(val, &end, 10);
	if (!isdigit((unsigned char)*val) || *end || errno || n == 0 || n > 256)
		return -die_cmd(c, "--jobs needs a number from 1 to 256, not '%s'", val);
	o->jobs = (size_t)n;
	return 0;
}

/* The command's options and arguments: 0, 1 after --help (printed), -2 on a usage error (printed). */
static int parse_cmd_opts(opts *o, const command *c, int argc, char **argv)
{
	int i;
	size_t k;
	for (i = 0; i < argc; i++) {
		const char *a = argv[i], *val = NULL;
		const optdef *d = NULL;
		if (strcmp(a, "--") == 0) {
			for (i++; i < argc; i++)
				rt_strv_push(&o->args, argv[i]);
			break;
		}
		if (a[0] != '-' || a[1] == '\0' || looks_relative(a)) {
			rt_strv_push(&o->args, a);
			continue;
		}
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			cmd_usage(c);
			return 1;
		}
		for (k = 0; cmd_opts[k].id && !d; k++) {
			const optdef *e = &cmd_opts[k];
			size_t ln = strlen(e->longname);
			if (!allowed(c, e->id))
				continue;
			if (strcmp(a, e->longname) == 0 || (e->shortname && strcmp(a, e->shortname) == 0))
				d = e;
			else if (e->arg && strncmp(a, e->longname, ln) == 0 && a[ln] == '=')
				d = e, val = a + ln + 1;
			else if (e->arg && e->shortname && strncmp(a, e->shortname, 2) == 0 && a[2]) /* -r-3:current, -mMSG */
				d = e, val = a + 2;
		}
		if (!d)
			return -die_cmd(c, "%s: unknown option '%s'", c->name, a);
		if (d->arg && !val) {
			if (i + 1 >= argc)
				return -die_cmd(c, "option %s needs a value", d->longname);
			val = argv[++i];
		}
		switch (d->id) {
		case O_MESSAGE: o->message = val; break;
		case O_AUTOGEN: o->autogenerate = 1; break;
		case O_ALLOWEMPTY: o->allow_empty = 1; break;
		case O_TESTURL: o->url = val; break;
		case O_ONLY: rt_strv_push(&o->only, val); break;
		case O_RESET: o->reset = 1; break;
		case O_JUNIT: o->junit = val; break;
		case O_FORMAT: o->format = val; break;
		case O_REVID: o->rev_id = val; break;
		case O_HEAD: o->head = val; break;
		case O_SPLICE: o->splice = 1; break;
		case O_BRANCHLABEL: rt_strv_push(&o->branch_labels, val); break;
		case O_DEPENDSON: rt_strv_push(&o->depends_on, val); break;
		case O_VERSIONPATH: o->version_path = val; break;
		case O_SQL: o->sql = 1; break;
		case O_PURGE: o->purge = 1; break;
		case O_VERBOSE: o->verbose = 1; break;
		case O_RESOLVE: o->resolve_deps = 1; break;
		case O_RANGE: o->range = val; break;
		case O_INDICATE: o->indicate_current = 1; break;
		case O_DIALECT: o->dialect = val; break;
		case O_CHECKHEADS: o->check_heads = 1; break;
		case O_REV: o->rev = val; break;
		case O_OUTCOME: o->outcome = val; break;
		case O_LIMIT:
			if (parse_limit(o, c, val) < 0)
				return -2;
			break;
		case O_CHECKSUMS: o->checksums = 1; break;
		case O_SCHEMAFMT: o->format = val; break;
		case O_OUTPUT: o->output = val; break;
		case O_STATS: o->verbose = 1; break;
		case O_ALL: o->fleet_all = 1; break;
		case O_TARGET: rt_strv_push(&o->fleet_targets, val); break;
		case O_TAG: rt_strv_push(&o->fleet_tags, val); break;
		case O_JOBS:
			if (parse_jobs(o, c, val) < 0)
				return -2;
			break;
		case O_FAILFAST: o->fail_fast = 1; break;
		case O_STDIALECT: o->dialect = val; break;
		case O_STURL: o->url = val; break;
		case O_CLIENT: o->client = val; break;
		case O_STONLY: rt_strv_push(&o->only, val); break;
		case O_KEEP: o->keep = 1; break;
		}
	}
	if (o->args.n < (size_t)c->min_args || (c->max_args != ANY && o->args.n > (size_t)c->max_args)) {
		if (c->max_args == 0)
			return -die_cmd(c, "%s takes no argument ('%s')", c->name, o->args.v[0]);
		if (o->args.n > (size_t)c->max_args && c->max_args != ANY)
			return -die_cmd(c, "%s takes %s, not '%s' as well", c->name, c->args, o->args.v[c->max_args]);
		return -die_cmd(c, "%s needs %s", c->name, c->args);
	}
	for (k = 0; k < o->args.n; k++) {
		const char *what = c->args + (*c->args == '['); /* "[REV...]" -> "REV" */
		if (!*o->args.v[k])
			return -die_cmd(c, "%s: an empty argument is not a %.*s", c->name, (int)strcspn(what, ".]"), what);
	}
	return 0;
}

/* ---- helpers ---- */

static int load_config(const opts *o, rt_config **cfg)
{
	const char *path = o->config ? o->config : getenv("RETORT_CONFIG") ? getenv("RETORT_CONFIG") : "retort.conf";
	return rt_config_load(cfg, path, o->name, &o->xs, o->url);
}

static int fail(int rc)
{
	const char *m = rt_error_msg();
	fprintf(stderr, "retort: error: %s\n", *m ? m : "failed");
	return rt_exit_status(rc);
}

/* ---- init ---- */

static const char schema_conf[] = "# The target schema: what the database should look like (for autogenerate\n"
                                  "# and check).  See retort.conf(5).\n"
                                  "tables = ();\n";

static int init_files(const char *dir, const char *url, int quiet);

static int cmd_init(rt_ctx *ctx, opts *o)
{
	const char *dir, *dialect = o->dialect ? o->dialect : "sqlite";
	char *url = NULL, *scheme = NULL;
	int rc;
	(void)ctx;
	dir = o->args.v[0];
	if (strcmp(dialect, "sqlite") == 0)
		url = rt_strdup("${DATABASE_URL:-sqlite:///app.db}");
	else if (strcmp(dialect, "postgresql") == 0)
		url = rt_strdup("${DATABASE_URL:-postgresql://app@localhost:5432/app}");
	else if (strcmp(dialect, "mysql") == 0)
		url = rt_strdup("${DATABASE_URL:-mysql://app@localhost:3306/app}");
	else if ((rc = rt_plugins_find_dialect(dialect, &scheme)) < 0) { /* any dialect on the plugin path */
		rt_error_prefix("--dialect %s", dialect);
		return rc;
	} else
		url = rt_asprintf("${DATABASE_URL:-%s://app@localhost/app}", scheme);
	rt_free(scheme);
	RT_CHECK_ALLOC(url);
	rc = init_files(dir, url, o->quiet);
	rt_free(url);
	return rc;
}

/* the project's files: DIR/versions, DIR/template.conf, DIR/schema.conf, retort.conf (with `url`) */
static int init_files(const char *dir, const char *url, int quiet)
{
	char *p = NULL, *conf = NULL;
	int rc;
	DIR *d;
	if (access("retort.conf", F_OK) == 0) {
		rt_error_set("retort.conf already exists here; not overwriting it");
		return RETORT_EINVAL;
	}
	if ((d = opendir(dir)) != NULL) {
		struct dirent *e;
		int empty = 1;
		while ((e = readdir(d)) != NULL)
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
				empty = 0;
		closedir(d);
		if (!empty) {
			rt_error_set("Directory %s already exists and is not empty", dir);
			return RETORT_EINVAL;
		}
	} else if (mkdir(dir, 0777) != 0) {
		rt_error_set("%s: cannot create: %s", dir, strerror(errno));
		return RETORT_ERROR;
	}
	p = rt_asprintf("%s/versions", dir);
	if (mkdir(p, 0777) != 0 && errno != EEXIST) {
		rt_error_set("%s: cannot create: %s", p, strerror(errno));
		rt_free(p);
		return RETORT_ERROR;
	}
	if (!quiet)
		fprintf(stderr, "Generating %s ...  done\n", p);
	rt_free(p);
	p = rt_asprintf("%s/template.conf", dir);
	rc = rt_file_create(p, rt_template_builtin(RETORT_FORMAT_CONF));
	if (rc == 0 && !quiet)
		fprintf(stderr, "Generating %s ...  done\n", p);
	rt_free(p);
	if (rc < 0)
		return rc;
	p = rt_asprintf("%s/schema.conf", dir);
	rc = rt_file_create(p, schema_conf);
	if (rc == 0 && !quiet)
		fprintf(stderr, "Generating %s ...  done\n", p);
	rt_free(p);
	if (rc < 0)
		return rc;
	conf = rt_asprintf("# retort configuration (libconfig syntax); see retort.conf(5).\n"
	                   "script_location = \"%s\";\n"
	                   "file_template = \"%%(rev)s_%%(slug)s\";\n"
	                   "truncate_slug_length = 40;\n"
	                   "timezone = \"UTC\";\n"
	                   "version_table = \"retort_version\";\n"
	                   "history_table = \"retort_history\";\n"
	                   "transaction_per_migration = false;\n"
	                   "lock_timeout = 60;\n"
	                   "target_schema = \"%s/schema.conf\";\n"
	                   "\n"
	                   "database = { url = \"%s\"; };\n"
	                   "\n"
	                   "# plugin_path = [ \"plugins\" ];\n"
	                   "# plugins = ( { module = \"jsonlog\"; path = \"migrations.log\"; } );\n",
	                   dir, dir, url);
	rc = rt_file_create("retort.conf", conf);
	rt_free(conf);
	if (rc < 0)
		return rc;
	if (!quiet)
		fprintf(stderr, "Generating retort.conf ...  done\nPlease edit the database URL in retort.conf before "
		                "proceeding.\n");
	return RETORT_OK;
}

/* ---- revision / merge ---- */

static void generating(void *arg, const char *path)
{
	if (!*(const int *)arg)
		fprintf(stderr, "Generating %s ...  done\n", path);
}

/* revision and merge: the request from the options, the script written, its id and path printed with --json */
static int write_revision(rt_ctx *ctx, opts *o, rt_revwrite *w)
{
	char *rev = NULL, *path = NULL;
	int rc;
	if (o->format && strcmp(o->format, "conf") && strcmp(o->format, "sql"))
		return usage_err("--format must be conf or sql, not '%s'", o->format);
	w->rev_id = o->rev_id;
	w->branch_labels = &o->branch_labels;
	w->depends_on = &o->depends_on;
	w->format = o->format && strcmp(o->format, "sql") == 0 ? RETORT_FORMAT_SQL : RETORT_FORMAT_CONF;
	w->version_path = o->version_path;
	w->written = generating;
	w->arg = &o->quiet;
	if ((rc = rt_revwrite_run(ctx, w, &rev, &path)) == 0 && o->json) {
		printf("{\"revision\": ");
		json_str(stdout, rev);
		printf(", \"path\": ");
		json_str(stdout, path);
		printf("}\n");
	}
	rt_free(rev);
	rt_free(path);
	return rc;
}

static int cmd_revision(rt_ctx *ctx, opts *o)
{
	rt_revwrite w = {0};
	char *up = NULL, *down = NULL;
	int rc, empty = 0;
	if (o->args.n) {
		rt_error_set("revision takes no positional argument ('%s'); use -m MESSAGE", o->args.v[0]);
		return RETORT_EINVAL;
	}
	if (o->allow_empty && !o->autogenerate)
		return usage_err("--allow-empty goes with --autogenerate%s", "");
	if (o->autogenerate) {
		if ((rc = autogen_revision_text(ctx, o, &up, &down, &empty)) < 0)
			return rc;
		if (empty && !o->allow_empty) {
			if (!o->quiet)
				fprintf(stderr, "No changes in schema detected: nothing written (--allow-empty writes an empty "
				                "revision).\n");
			rt_free(up);
			rt_free(down);
			return RETORT_OK;
		}
		w.upgrade_text = up;
		w.downgrade_text = down;
	}
	w.message = o->message ? o->message : "empty message";
	w.head = o->head;
	w.splice = o->splice;
	rc = write_revision(ctx, o, &w);
	rt_free(up);
	rt_free(down);
	return rc;
}

static int cmd_merge(rt_ctx *ctx, opts *o)
{
	rt_revwrite w = {0};
	if (o->args.n == 0)
		return usage_err("merge needs the revisions to merge (or 'heads')%s", "");
	w.message = o->message ? o->message : "merge";
	w.merge = &o->args;
	return write_revision(ctx, o, &w);
}

/* ---- commands that run the runner ---- */

static int migrate(rt_ctx *ctx, opts *o, int up)
{
	if (!o->sql && strchr(o->args.v[0], ':')) {
		rt_error_set("Range revision not allowed without --sql ('%s')", o->args.v[0]);
		return RETORT_EINVAL;
	}
	return o->sql ? rt_run_offline(ctx, up, o->args.v[0]) : rt_run_migrate(ctx, up, o->args.v[0]);
}

static int cmd_upgrade(rt_ctx *ctx, opts *o)
{
	return migrate(ctx, o, 1);
}

static int cmd_downgrade(rt_ctx *ctx, opts *o)
{
	return migrate(ctx, o, 0);
}

static int cmd_stamp(rt_ctx *ctx, opts *o)
{
	return rt_run_stamp(ctx, (const char *const *)o->args.v, o->args.n, o->purge, o->sql);
}


static int cmd_repair(rt_ctx *ctx, opts *o)
{
	rt_strv only = RT_STRV_INIT, accepted = RT_STRV_INIT, cur = RT_STRV_INIT;
	size_t i;
	int rc = RETORT_OK;
	if (!o->checksums) {
		if (o->args.n)
			return usage_err("repair takes revisions only with --checksums ('%s')", o->args.v[0]);
		return rt_run_repair(ctx);
	}
	for (i = 0; i < o->args.n && rc == RETORT_OK; i++)
		rc = rt_graph_resolve(ctx->graph, o->args.v[i], &cur, 0, &only);
	if (rc == RETORT_OK && (rc = rt_run_repair_checksums(ctx, &only, &accepted)) == RETORT_OK && !o->quiet) {
		for (i = 0; i < accepted.n; i++)
			fprintf(stderr, "Accepted the edited script of %s: validate compares it with its new checksum.\n",
			        accepted.v[i]);
		if (!accepted.n)
			fprintf(stderr, "Nothing to accept: every applied script has the checksum it was applied with.\n");
	}
	rt_strv_free(&only);
	rt_strv_free(&accepted);
	rt_strv_free(&cur);
	return rc;
}

/* ---- main ---- */

/*
 * At exit the revision graph (10,000 revisions: tens of thousands of
 * blocks) is not freed one block at a time: the process is ending.  It
 * stays reachable from here, so leak checkers (LSan, valgrind's definite
 * and indirect leaks) stay quiet; RETORT_FREE_AT_EXIT=1 frees it anyway.
 */
static rt_graph *volatile graph_at_exit; /* volatile: the store must not be optimised away */

static void close_ctx(rt_ctx *ctx)
{
	if (!rt_env_flag("RETORT_FREE_AT_EXIT")) {
		graph_at_exit = ctx->graph;
		ctx->graph = NULL;
	}
	rt_ctx_close(ctx);
}

/* The library's progress lines, warnings and plugins' log lines, on standard error. */
static void report(void *arg, rt_report_kind kind, const char *text)
{
	(void)arg;
	if (kind == RT_REPORT_WARNING)
		fprintf(stderr, "retort: warning: %s\n", text);
	else if (kind == RT_REPORT_LOG)
		fprintf(stderr, "retort: %s\n", text);
	else
		fputs(text, stderr);
}

/* the command needs a config file: none found is fine for a command that works outside a project */
static int open_config(const command *c, const opts *o, rt_config **cfg)
{
	*cfg = NULL;
	if (!(c->flags & C_CONFIG))
		return RETORT_OK;
	if ((c->flags & C_OPT_CONFIG) && !o->config && !getenv("RETORT_CONFIG") && access("retort.conf", F_OK) != 0 &&
	    errno == ENOENT)
		return RETORT_OK;
	return load_config(o, cfg);
}

static int run(int argc, char **argv)
{
	opts o;
	const char *cmd = NULL;
	const command *c;
	int i, rc;
	rt_config *cfg = NULL;
	rt_ctx ctx;
	memset(&o, 0, sizeof o);
	memset(&ctx, 0, sizeof ctx);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (a[0] != '-') {
			cmd = a;
			break;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		}
		if (!strcmp(a, "--version")) {
			printf("retort %s (plugin ABI %u)\n", RETORT_VERSION, (unsigned)RETORT_PLUGIN_ABI_VERSION);
			return 0;
		}
		if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			o.quiet = 1;
			continue;
		}
		if (!strcmp(a, "--json")) {
			o.json = 1;
			continue;
		}
		if (!strcmp(a, "-c") || !strcmp(a, "--config") || !strcmp(a, "-n") || !strcmp(a, "--name") ||
		    !strcmp(a, "--url") || !strcmp(a, "-x")) {
			if (i + 1 >= argc)
				return die_usage("option %s needs a value", a);
			if (a[1] == 'c' || !strcmp(a, "--config"))
				o.config = argv[++i];
			else if (a[1] == 'n' || !strcmp(a, "--name"))
				o.name = argv[++i];
			else if (!strcmp(a, "--url"))
				o.url = argv[++i];
			else
				rt_strv_push(&o.xs, argv[++i]);
			continue;
		}
		if (!strncmp(a, "--config=", 9)) {
			o.config = a + 9;
			continue;
		}
		if (!strncmp(a, "--url=", 6)) {
			o.url = a + 6;
			continue;
		}
		if (!strncmp(a, "-x", 2) && a[2]) {
			rt_strv_push(&o.xs, a + 2);
			continue;
		}
		return die_usage("unknown option '%s'", a);
	}
	if (!cmd) {
		usage(stderr);
		return 2;
	}
	if (!(c = find_command(cmd)))
		return die_usage("unknown command '%s'", cmd);
	rc = parse_cmd_opts(&o, c, argc - i - 1, argv + i + 1);
	if (rc != 0) {
		rc = rc > 0 ? 0 : 2;
		goto out;
	}
	if (!fleet_selected(&o) && (o.jobs || o.fail_fast)) {
		rc = die_cmd(c, "--jobs and --fail-fast go with --all, --target or --tag");
		goto out;
	}
	if (fleet_selected(&o) && o.url) {
		rc = die_cmd(c, "--url names one database: it does not go with --all, --target or --tag");
		goto out;
	}
	if (o.json && !(c->flags & C_JSON) && !fleet_selected(&o)) {
		rc = die_cmd(c, "--json does not apply to %s", cmd);
		goto out;
	}
	if ((rc = open_config(c, &o, &cfg)) < 0)
		goto out;
	if ((c->flags & C_CONFIG) && !(c->flags & C_NO_CTX)) {
		if ((rc = rt_ctx_open(&ctx, cfg, cmd, (c->flags & C_GRAPH) || o.checksums)) < 0)
			goto out;
		ctx.read_only = (c->flags & C_READ_ONLY) != 0;
	}
	ctx.cfg = cfg;
	ctx.quiet = o.quiet;
	rc = fleet_selected(&o) ? fleet_cmd(&ctx, &o, cmd) : c->run(&ctx, &o);
out:
	if (rc < 0)
		rc = fail(rc);
	close_ctx(&ctx);
	rt_config_free(cfg);
	rt_strv_free(&o.xs);
	rt_strv_free(&o.args);
	rt_strv_free(&o.branch_labels);
	rt_strv_free(&o.depends_on);
	rt_strv_free(&o.fleet_targets);
	rt_strv_free(&o.fleet_tags);
	rt_strv_free(&o.only);
	return rc;
}

/*
 * A closed standard stream gets /dev/null, so that no file the command
 * opens becomes fd 1 (its output would land in it); standard output is
 * opened read-only, so printing to it fails and is reported.
 */
static void guard_std_fds(void)
{
	int fd;
	for (fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF && open("/dev/null", fd == 2 ? O_WRONLY : O_RDONLY) != fd)
			_exit(2);
}

/* Everything printed must have reached standard output: a failed write or flush is a failure (exit 1). */
static int close_stdout(int rc)
{
	int err = 0;
	errno = 0;
	if (fflush(stdout) != 0 || ferror(stdout))
		err = errno ? errno : EIO;
	errno = 0;
	if (fclose(stdout) != 0 && !err)
		err = errno ? errno : EIO;
	if (err) {
		fprintf(stderr, "retort: error: standard output: %s\n", strerror(err));
		return rc ? rc : 1;
	}
	return rc;
}

int main(int argc, char **argv)
{
	guard_std_fds();
	rt_report_set(report, NULL);
	return close_stdout(run(argc, argv));
}
