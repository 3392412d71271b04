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
#include "rtconfig.h"
#include "runner.h"
#include "script.h"

/* ---- options ---- */

enum {
	O_MESSAGE = 1, O_AUTOGEN, O_FORMAT, O_REVID, O_HEAD, O_SPLICE, O_BRANCHLABEL, O_DEPENDSON, O_VERSIONPATH,
	O_SQL, O_PURGE, O_VERBOSE, O_RESOLVE, O_RANGE, O_INDICATE, O_DIALECT, O_CHECKHEADS, O_REV, O_OUTCOME,
	O_LIMIT, O_CHECKSUMS
};

typedef struct optdef {
	int id;
	const char *shortname, *longname;
	const char *arg; /* the value's name; NULL for a flag */
	const char *help;
} optdef;

static const optdef cmd_opts[] = {
	{O_MESSAGE, "-m", "--message", "MSG", "the message; its words make the file name's slug"},
	{O_AUTOGEN, NULL, "--autogenerate", NULL, "fill the script from the schema difference (not available yet)"},
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
	{O_DIALECT, NULL, "--dialect", "sqlite|postgresql|mysql", "the database URL written (default sqlite)"},
	{O_CHECKHEADS, NULL, "--check-heads", NULL, "exit 1 unless the database is at every head"},
	{O_REV, "-r", "--rev", "REV", "only the rows of revision REV (its full id)"},
	{O_OUTCOME, NULL, "--outcome", "ok|failed|repaired", "only the rows with that outcome"},
	{O_LIMIT, "-n", "--limit", "N", "at most N rows (the newest)"},
	{O_CHECKSUMS, NULL, "--checksums", NULL, "accept edited scripts: record their new checksums"},
	{0, NULL, NULL, NULL, NULL}};

/* ---- commands ---- */

enum {
	C_CONFIG = 1,     /* reads retort.conf */
	C_GRAPH = 2,      /* loads the revision graph */
	C_READ_ONLY = 4,  /* connects read-only */
	C_JSON = 8,       /* has --json output */
	C_NO_CTX = 16,    /* the handler opens what it needs (ctx->cfg may be NULL) */
	C_OPT_CONFIG = 32 /* works without a retort.conf too */
};

static int cmd_init(rt_ctx *ctx, opts *o);
static int cmd_revision(rt_ctx *ctx, opts *o);
static int cmd_merge(rt_ctx *ctx, opts *o);
static int cmd_upgrade(rt_ctx *ctx, opts *o);
static int cmd_downgrade(rt_ctx *ctx, opts *o);
static int cmd_stamp(rt_ctx *ctx, opts *o);
static int cmd_check(rt_ctx *ctx, opts *o);
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
	 {O_MESSAGE, O_AUTOGEN, O_FORMAT, O_REVID, O_HEAD, O_SPLICE, O_BRANCHLABEL, O_DEPENDSON, O_VERSIONPATH}, "",
	 "write a new revision script",
	 "The file is named after file_template, filled from the project's template, read back,\n"
	 "then given to the formatter plugins.\n",
	 "retort revision -m \"add email\""},
	{"upgrade", cmd_upgrade, C_CONFIG | C_GRAPH, 1, 1, {O_SQL}, "TARGET", "apply revisions up to TARGET",
	 "TARGET  head, heads, a revision id or unique prefix, +N, LABEL@head, ... (retort(1), TARGETS)\n",
	 "retort upgrade head"},
	{"downgrade", cmd_downgrade, C_CONFIG | C_GRAPH, 1, 1, {O_SQL}, "TARGET", "revert revisions down to TARGET",
	 "TARGET  base, -N, a revision id or prefix, LABEL@-1, ... (with --sql: a range FROM:TO)\n",
	 "retort downgrade -1"},
	{"current", cmd_current, RD | C_JSON, 0, 0, {O_VERBOSE, O_CHECKHEADS}, "",
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
	{"stamp", cmd_stamp, C_CONFIG | C_GRAPH, 1, ANY, {O_PURGE, O_SQL}, "TARGET...",
	 "set the version table without running any script",
	 "TARGET...  the revisions to stamp (with --sql: a range FROM:TO)\n", "retort stamp head"},
	{"check", cmd_check, RD, 0, 0, {0}, "", "whether autogenerate finds nothing to do (not available yet)", "",
	 "retort check"},
	{"validate", cmd_validate, RD | C_JSON, 0, 0, {0}, "",
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
	{"log", cmd_log, C_CONFIG | C_READ_ONLY | C_JSON, 0, 0, {O_REV, O_OUTCOME, O_LIMIT}, "",
	 "the history table's rows, newest first",
	 "Each row: when, who@host, direction, revision, outcome, duration, the error's first line.\n",
	 "retort log --outcome failed -n 5"},
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

static int write_file(const char *path, const char *text, int excl)
{
	int fd = open(path, O_WRONLY | O_CREAT | (excl ? O_EXCL : O_TRUNC), 0644);
	size_t n = strlen(text);
	if (fd < 0) {
		rt_error_set("%s: cannot create: %s", path, strerror(errno));
		return RETORT_ERROR;
	}
	if (write(fd, text, n) != (ssize_t)n) {
		rt_error_set("%s: write failed: %s", path, strerror(errno));
		close(fd);
		return RETORT_ERROR;
	}
	if (close(fd) != 0) {
		rt_error_set("%s: write failed: %s", path, strerror(errno));
		return RETORT_ERROR;
	}
	return RETORT_OK;
}

static const char template_conf[] =
	"# retort revision: {{message}}\n"
	"revision = {{revision}};\n"
	"down_revision = {{down_revision}};\n"
	"branch_labels = {{branch_labels}};\n"
	"depends_on = {{depends_on}};\n"
	"message = {{message_q}};\n"
	"create_date = {{create_date}};\n"
	"\n"
	"upgrade = (\n"
	"{{upgrade}}"
	");\n"
	"\n"
	"downgrade = (\n"
	"{{downgrade}}"
	");\n";

static const char template_sql[] = "-- retort:revision {{revision}}\n"
                                   "-- retort:down_revision {{down_revision}}\n"
                                   "-- retort:branch_labels {{branch_labels}}\n"
                                   "-- retort:depends_on {{depends_on}}\n"
                                   "-- retort:message {{message}}\n"
                                   "-- retort:create_date {{create_date}}\n"
                                   "\n"
                                   "-- retort:upgrade\n"
                                   "{{upgrade}}"
                                   "\n"
                                   "-- retort:downgrade\n"
                                   "{{downgrade}}";

static const char schema_conf[] = "# The target schema: what the database should look like (for autogenerate\n"
                                  "# and check).  See retort.conf(5).\n"
                                  "tables = ();\n";

static int cmd_init(rt_ctx *ctx, opts *o)
{
	const char *dir, *dialect = o->dialect ? o->dialect : "sqlite", *url;
	char *p = NULL, *conf = NULL;
	int rc;
	DIR *d;
	(void)ctx;
	dir = o->args.v[0];
	if (strcmp(dialect, "sqlite") == 0)
		url = "${DATABASE_URL:-sqlite:///app.db}";
	else if (strcmp(dialect, "postgresql") == 0)
		url = "${DATABASE_URL:-postgresql://app@localhost:5432/app}";
	else if (strcmp(dialect, "mysql") == 0)
		url = "${DATABASE_URL:-mysql://app@localhost:3306/app}";
	else
		return usage_err("unknown dialect '%s' (sqlite, postgresql, mysql)", dialect);
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
	if (!o->quiet)
		fprintf(stderr, "Generating %s ...  done\n", p);
	rt_free(p);
	p = rt_asprintf("%s/template.conf", dir);
	rc = write_file(p, template_conf, 1);
	if (rc == 0 && !o->quiet)
		fprintf(stderr, "Generating %s ...  done\n", p);
	rt_free(p);
	if (rc < 0)
		return rc;
	p = rt_asprintf("%s/schema.conf", dir);
	rc = write_file(p, schema_conf, 1);
	if (rc == 0 && !o->quiet)
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
	rc = write_file("retort.conf", conf, 1);
	rt_free(conf);
	if (rc < 0)
		return rc;
	if (!o->quiet)
		fprintf(stderr, "Generating retort.conf ...  done\nPlease edit the database URL in retort.conf before "
		                "proceeding.\n");
	return RETORT_OK;
}

/* ---- revision / merge ---- */

static int rev_id_ok(const char *id)
{
	const char *p;
	if (!*id)
		return 0;
	for (p = id; *p; p++)
		if (*p == '@' || *p == '-' || *p == '+' || *p == ':' || isspace((unsigned char)*p) || *p == '"' ||
		    *p == '/')
			return 0;
	return 1;
}

static void new_rev_id(char out[13])
{
	unsigned char b[6];
	int fd = open("/dev/urandom", O_RDONLY), i;
	static const char hex[] = "0123456789abcdef";
	if (fd < 0 || read(fd, b, sizeof b) != (ssize_t)sizeof b) {
		unsigned long r = (unsigned long)time(NULL) ^ ((unsigned long)getpid() << 16);
		for (i = 0; i < 6; i++)
			b[i] = (unsigned char)(r >> (i * 5));
	}
	if (fd >= 0)
		close(fd);
	for (i = 0; i < 6; i++) {
		out[2 * i] = hex[b[i] >> 4];
		out[2 * i + 1] = hex[b[i] & 15];
	}
	out[12] = '\0';
}

static char *slugify(const char *msg, int maxlen)
{
	rt_buf b = RT_BUF_INIT;
	const char *p = msg ? msg : "";
	int in_word = 0;
	char *s;
	while (*p) {
		unsigned char c = (unsigned char)*p++;
		if (isalnum(c) || c == '_') {
			if (!in_word && b.len)
				rt_buf_putc(&b, '_');
			rt_buf_putc(&b, (char)tolower(c));
			in_word = 1;
		} else {
			in_word = 0;
		}
	}
	s = rt_buf_detach(&b);
	if (s && (int)strlen(s) > maxlen) {
		/* Alembic: cut, then drop the partial last word and end with '_' */
		char *u;
		s[maxlen] = '\0';
		u = strrchr(s, '_');
		if (u)
			u[1] = '\0';
	}
	return s;
}

static char *render_file_name(const rt_config *cfg, const char *rev, const char *slug, const struct tm *tm)
{
	rt_buf b = RT_BUF_INIT;
	const char *p = cfg->file_template;
	while (*p) {
		if (p[0] == '%' && p[1] == '(') {
			const char *close = strchr(p, ')');
			char tok[32];
			size_t n;
			if (close && close[1] == 's' && (n = (size_t)(close - p - 2)) < sizeof tok) {
				memcpy(tok, p + 2, n);
				tok[n] = '\0';
				if (!strcmp(tok, "rev")) rt_buf_puts(&b, rev);
				else if (!strcmp(tok, "slug")) rt_buf_puts(&b, slug);
				else if (!strcmp(tok, "year")) rt_buf_printf(&b, "%04d", tm->tm_year + 1900);
				else if (!strcmp(tok, "month")) rt_buf_printf(&b, "%02d", tm->tm_mon + 1);
				else if (!strcmp(tok, "day")) rt_buf_printf(&b, "%02d", tm->tm_mday);
				else if (!strcmp(tok, "hour")) rt_buf_printf(&b, "%02d", tm->tm_hour);
				else if (!strcmp(tok, "minute")) rt_buf_printf(&b, "%02d", tm->tm_min);
				else if (!strcmp(tok, "second")) rt_buf_printf(&b, "%02d", tm->tm_sec);
				else if (!strcmp(tok, "epoch")) rt_buf_printf(&b, "%lld", (long long)time(NULL));
				else {
					rt_error_set("%s: file_template: unknown token %%(%s)s (rev slug year month day hour minute "
					             "second epoch)",
					             cfg->path, tok);
					rt_buf_free(&b);
					return NULL;
				}
				p = close + 2;
				continue;
			}
		}
		if (p[0] == '%' && p[1] == '%')
			p++;
		rt_buf_putc(&b, *p++);
	}
	return rt_buf_detach(&b);
}

static void conf_quote(rt_buf *b, const char *s)
{
	rt_buf_putc(b, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			rt_buf_putc(b, '\\');
		if (*s == '\n') {
			rt_buf_puts(b, "\\n");
			continue;
		}
		rt_buf_putc(b, *s);
	}
	rt_buf_putc(b, '"');
}

static char *conf_list(const rt_strv *sv, int single_as_string)
{
	rt_buf b = RT_BUF_INIT;
	size_t i;
	if (sv->n == 1 && single_as_string) {
		conf_quote(&b, sv->v[0]);
		return rt_buf_detach(&b);
	}
	rt_buf_puts(&b, "[ ");
	for (i = 0; i < sv->n; i++) {
		if (i)
			rt_buf_puts(&b, ", ");
		conf_quote(&b, sv->v[i]);
	}
	rt_buf_puts(&b, sv->n ? " ]" : "]");
	return rt_buf_detach(&b);
}

/* Fill a template: {{key}}; for .conf a line whose value is empty is dropped. */
static char *fill_template(const char *tpl, int conf, const char *const *keys, const char *const *vals, size_t n)
{
	rt_buf b = RT_BUF_INIT;
	const char *line = tpl;
	while (*line) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line + 1) : strlen(line);
		rt_buf lb = RT_BUF_INIT;
		const char *p = line, *end = line + len;
		int drop = 0;
		while (p < end) {
			if (p[0] == '{' && p[1] == '{') {
				const char *close = strstr(p, "}}");
				size_t i, kl;
				if (close && close < end) {
					kl = (size_t)(close - p - 2);
					for (i = 0; i < n; i++) {
						if (strlen(keys[i]) == kl && strncmp(keys[i], p + 2, kl) == 0) {
							if (!vals[i])
								drop = 1;
							else
								rt_buf_puts(&lb, vals[i]);
							break;
						}
					}
					if (i < n) {
						p = close + 2;
						continue;
					}
				}
			}
			rt_buf_putc(&lb, *p++);
		}
		if (!drop)
			rt_buf_add(&b, rt_buf_cstr(&lb), lb.len);
		rt_buf_free(&lb);
		line += len;
	}
	(void)conf;
	return rt_buf_detach(&b);
}

static int write_revision(rt_ctx *ctx, opts *o, const char *rev, const rt_strv *parents, const char *message,
                          int is_merge)
{
	rt_config *cfg = ctx->cfg;
	int conf = !o->format || strcmp(o->format, "conf") == 0, rc;
	char *slug = NULL, *base = NULL, *path = NULL, *text = NULL, *tpl_path = NULL, *tpl = NULL;
	char date[32], *vals[8] = {NULL};
	const char *dir;
	time_t t = time(NULL);
	struct tm tm;
	rt_revision *loaded = NULL;
	static const char *keys[] = {"revision", "down_revision", "branch_labels", "depends_on", "message", "message_q",
	                             "create_date", "upgrade"};
	(void)is_merge;
	if (o->format && strcmp(o->format, "conf") && strcmp(o->format, "sql"))
		return usage_err("--format must be conf or sql, not '%s'", o->format);
	gmtime_r(&t, &tm);
	strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S", &tm);
	/* where to write */
	if (o->version_path) {
		size_t i;
		char want[4096], have[4096];
		dir = o->version_path;
		if (!realpath(dir, want)) {
			rt_error_set("--version-path %s: %s", dir, strerror(errno));
			return RETORT_EINVAL;
		}
		for (i = 0; i < cfg->version_locations.n; i++)
			if (realpath(cfg->version_locations.v[i], have) && strcmp(have, want) == 0)
				break;
		if (i == cfg->version_locations.n) {
			rt_error_set("Path %s is not represented in current version locations", dir);
			return RETORT_EINVAL;
		}
	} else if (cfg->version_locations.n == 1) {
		dir = cfg->version_locations.v[0];
	} else {
		/* the parent's folder, as Alembic does */
		rt_revision *pr = parents->n ? rt_graph_get(ctx->graph, parents->v[0]) : NULL;
		static char pdir[4096];
		if (!pr) {
			rt_error_set("Multiple version locations present, please specify --version-path");
			return RETORT_EINVAL;
		}
		snprintf(pdir, sizeof pdir, "%s", pr->path);
		if (strrchr(pdir, '/'))
			*strrchr(pdir, '/') = '\0';
		dir = pdir;
	}
	slug = slugify(message, cfg->truncate_slug_length);
	if (!slug || !(base = render_file_name(cfg, rev, slug, &tm))) {
		rc = RETORT_EINVAL;
		goto done;
	}
	path = rt_asprintf("%s/%s.%s", dir, base, conf ? "conf" : "sql");
	/* template */
	tpl_path = rt_asprintf("%s/template.%s", cfg->script_location, conf ? "conf" : "sql");
	if (access(tpl_path, R_OK) == 0) {
		if ((rc = rt_file_read(&tpl, NULL, tpl_path)) < 0)
			goto done;
	} else {
		tpl = rt_strdup(conf ? template_conf : template_sql);
	}
	{
		rt_buf b = RT_BUF_INIT;
		vals[0] = NULL;
		if (conf) {
			conf_quote(&b, rev);
			vals[0] = rt_buf_detach(&b);
			vals[1] = parents->n ? conf_list(parents, 1) : NULL;
			vals[2] = o->branch_labels.n ? conf_list(&o->branch_labels, 0) : NULL;
			vals[3] = o->depends_on.n ? conf_list(&o->depends_on, 0) : NULL;
			conf_quote(&b, message);
			vals[5] = rt_buf_detach(&b);
			conf_quote(&b, date);
			vals[6] = rt_buf_detach(&b);
		} else {
			vals[0] = rt_strdup(rev);
			vals[1] = parents->n ? rt_strv_join(parents, " ") : NULL;
			vals[2] = o->branch_labels.n ? rt_strv_join(&o->branch_labels, " ") : NULL;
			vals[3] = o->depends_on.n ? rt_strv_join(&o->depends_on, " ") : NULL;
			vals[5] = rt_strdup(message);
			vals[6] = rt_strdup(date);
		}
		{
			/* messages go on one line */
			char *m = rt_strdup(message), *q;
			for (q = m; q && *q; q++)
				if (*q == '\n' || *q == '\r')
					*q = ' ';
			vals[4] = m;
		}
		vals[7] = rt_strdup("");
	}
	{
		const char *tv[9];
		const char *tk[9];
		size_t i;
		for (i = 0; i < 8; i++) {
			tk[i] = keys[i];
			tv[i] = vals[i];
		}
		tk[8] = "downgrade";
		tv[8] = "";
		text = fill_template(tpl, conf, tk, tv, 9);
	}
	if (!text || !path) {
		rt_error_set("out of memory");
		rc = RETORT_ENOMEM;
		goto done;
	}
	if ((rc = write_file(path, text, 1)) < 0)
		goto done;
	if (!o->quiet)
		fprintf(stderr, "Generating %s ...  done\n", path);
	if ((rc = rt_plugins_format(ctx->plugins, path, conf ? RETORT_FORMAT_CONF : RETORT_FORMAT_SQL)) < 0)
		goto done;
	/* the file must read back as a revision */
	if ((rc = rt_script_load(&loaded, path, 1)) < 0) {
		rt_error_prefix("the revision written does not read back (check the template %s)", tpl_path);
		rc = RETORT_ERROR;
		goto done;
	}
	rt_ctx_event(ctx, "script.written", loaded, NULL, "ok", date, -1, NULL, path);
	if (o->json) {
		printf("{\"revision\": ");
		json_str(stdout, rev);
		printf(", \"path\": ");
		json_str(stdout, path);
		printf("}\n");
	}
done:
	rt_revision_free(loaded);
	rt_free(slug);
	rt_free(base);
	rt_free(path);
	rt_free(text);
	rt_free(tpl);
	rt_free(tpl_path);
	for (rc = rc, t = 0; t < 8; t++)
		rt_free(vals[t]);
	return rc;
}

static int check_new_id(rt_ctx *ctx, const char *rev)
{
	if (!rev_id_ok(rev)) {
		rt_error_set("Character(s) '@', '-', '+', ':', '/', '\"' or white space are not allowed in revision "
		             "identifier '%s'",
		             rev);
		return RETORT_EINVAL;
	}
	if (strlen(rev) > 255) {
		rt_error_set("revision identifier '%.40s...' is longer than 255 characters", rev);
		return RETORT_EINVAL;
	}
	if (rt_graph_get(ctx->graph, rev)) {
		rt_error_set("revision id '%s' already exists (%s); nothing was written", rev,
		             rt_graph_get(ctx->graph, rev)->path);
		return RETORT_EINVAL;
	}
	return RETORT_OK;
}

static int cmd_revision(rt_ctx *ctx, opts *o)
{
	rt_strv parents = RT_STRV_INIT, cur = RT_STRV_INIT;
	char idbuf[13];
	const char *rev = o->rev_id, *head = o->head ? o->head : "head";
	int rc;
	size_t i;
	if (o->autogenerate) {
		rt_error_set("revision --autogenerate is not available yet (target_schema diffing comes with the "
		             "autogenerate work); write the operations by hand");
		return RETORT_EINVAL;
	}
	if (o->args.n) {
		rt_error_set("revision takes no positional argument ('%s'); use -m MESSAGE", o->args.v[0]);
		return RETORT_EINVAL;
	}
	if (!rev) {
		do
			new_rev_id(idbuf);
		while (rt_graph_get(ctx->graph, idbuf));
		rev = idbuf;
	}
	if ((rc = check_new_id(ctx, rev)) < 0)
		return rc;
	for (i = 0; i < o->branch_labels.n; i++) {
		if (!rev_id_ok(o->branch_labels.v[i]) || rt_graph_get(ctx->graph, o->branch_labels.v[i])) {
			rt_error_set("branch label '%s' is not usable (a revision id, or has one of @ - + : or space)",
			             o->branch_labels.v[i]);
			return RETORT_EINVAL;
		}
	}
	/* the parent */
	if (strcmp(head, "base") != 0) {
		rt_revision **hs = NULL;
		size_t nh = 0;
		if (strcmp(head, "head") == 0) {
			if ((rc = rt_graph_heads(ctx->graph, 1, &hs, &nh)) < 0)
				return rc;
			if (nh > 1) {
				rt_free(hs);
				rt_error_set("Multiple heads are present; please specify the head revision on which the new "
				             "revision should be based, or perform a merge.");
				return RETORT_EINVAL;
			}
			if (nh == 1)
				rc = rt_strv_push(&parents, hs[0]->id);
			rt_free(hs);
		} else {
			if ((rc = rt_graph_resolve(ctx->graph, head, &cur, 0, &parents)) < 0)
				goto done;
			for (i = 0; i < parents.n; i++) {
				rt_revision *r = rt_graph_get(ctx->graph, parents.v[i]);
				if (r && !rt_graph_is_head(ctx->graph, r) && !o->splice) {
					rt_error_set("Revision %s is not a head revision; please specify --splice to create a new "
					             "branch from this revision",
					             r->id);
					rc = RETORT_EINVAL;
					goto done;
				}
			}
		}
	}
	/* dependencies must exist: resolve prefixes to ids, keep labels */
	for (i = 0; i < o->depends_on.n; i++) {
		rt_strv one = RT_STRV_INIT;
		int is_label = 0;
		size_t k;
		for (k = 0; k < rt_graph_count(ctx->graph) && !is_label; k++) {
			const rt_revision *r = rt_graph_at(ctx->graph, k);
			if (rt_strv_find(&r->labels, o->depends_on.v[i]) >= 0)
				is_label = 1;
		}
		if (is_label)
			continue;
		if ((rc = rt_graph_resolve(ctx->graph, o->depends_on.v[i], &cur, 0, &one)) < 0) {
			rt_strv_free(&one);
			goto done;
		}
		if (one.n == 1) {
			rt_free(o->depends_on.v[i]);
			o->depends_on.v[i] = rt_strdup(one.v[0]);
		}
		rt_strv_free(&one);
	}
	rc = write_revision(ctx, o, rev, &parents, o->message ? o->message : "empty message", 0);
done:
	rt_strv_free(&parents);
	rt_strv_free(&cur);
	return rc;
}

static int cmd_merge(rt_ctx *ctx, opts *o)
{
	rt_strv parents = RT_STRV_INIT, cur = RT_STRV_INIT;
	char idbuf[13];
	const char *rev = o->rev_id;
	int rc = RETORT_OK;
	size_t i;
	if (o->args.n == 0)
		return usage_err("merge needs the revisions to merge (or 'heads')%s", "");
	for (i = 0; i < o->args.n; i++) {
		rt_strv one = RT_STRV_INIT;
		size_t k;
		if ((rc = rt_graph_resolve(ctx->graph, o->args.v[i], &cur, 0, &one)) < 0) {
			rt_strv_free(&one);
			goto done;
		}
		for (k = 0; k < one.n; k++) {
			if (rt_strv_find(&parents, one.v[k]) >= 0) {
				rt_error_set("Duplicate head revisions specified");
				rt_strv_free(&one);
				rc = RETORT_EINVAL;
				goto done;
			}
			rt_strv_push(&parents, one.v[k]);
		}
		rt_strv_free(&one);
	}
	if (parents.n < 2) {
		rt_error_set("merge needs at least two heads to merge, and %s resolve%s to %zu; nothing was written",
		             o->args.n == 1 ? o->args.v[0] : "the arguments", o->args.n == 1 ? "s" : "", parents.n);
		rc = RETORT_EINVAL;
		goto done;
	}
	for (i = 0; i < parents.n; i++) {
		size_t j;
		rt_revision *a = rt_graph_get(ctx->graph, parents.v[i]);
		for (j = 0; j < parents.n; j++) {
			rt_revision *b = rt_graph_get(ctx->graph, parents.v[j]);
			if (i != j && a && b && rt_graph_is_ancestor(ctx->graph, a, b)) {
				rt_error_set("cannot merge %s with its descendant %s", a->id, b->id);
				rc = RETORT_EINVAL;
				goto done;
			}
		}
	}
	if (!rev) {
		do
			new_rev_id(idbuf);
		while (rt_graph_get(ctx->graph, idbuf));
		rev = idbuf;
	}
	if ((rc = check_new_id(ctx, rev)) < 0)
		goto done;
	rc = write_revision(ctx, o, rev, &parents, o->message ? o->message : "merge", 1);
done:
	rt_strv_free(&parents);
	rt_strv_free(&cur);
	return rc;
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

static int cmd_check(rt_ctx *ctx, opts *o)
{
	(void)ctx;
	(void)o;
	rt_error_set("'check' is not available yet in this version of retort (see retort(1))");
	return RETORT_EINVAL;
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
	if (o.json && !(c->flags & C_JSON)) {
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
	rc = c->run(&ctx, &o);
out:
	if (rc < 0)
		rc = fail(rc);
	close_ctx(&ctx);
	rt_config_free(cfg);
	rt_strv_free(&o.xs);
	rt_strv_free(&o.args);
	rt_strv_free(&o.branch_labels);
	rt_strv_free(&o.depends_on);
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
