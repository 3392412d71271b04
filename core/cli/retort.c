/*
 * retort: the command line.  Parses arguments, calls libretort, prints.
 * The only place that prints results and errors.
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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>

#include "graph.h"
#include "plugin_loader.h"
#include "rtconfig.h"
#include "runner.h"
#include "script.h"

/* ---- options ---- */

typedef struct opts {
	const char *config;
	const char *name;
	const char *url;
	rt_strv xs;
	int quiet, json, verbose;
	/* command options */
	const char *message, *rev_id, *head, *version_path, *format, *range, *dialect;
	rt_strv branch_labels, depends_on;
	int autogenerate, splice, sql, purge, resolve_deps, indicate_current, check_heads;
	rt_strv args; /* positionals */
} opts;

static void usage(FILE *f)
{
	fputs("usage: retort [-c FILE] [-n NAME] [--url URL] [-x KEY=VALUE]... [-q] [--json] COMMAND [options] [args]\n"
	      "\n"
	      "commands:\n"
	      "  init [--dialect sqlite|postgresql|mysql] DIR   start a project\n"
	      "  revision -m MSG [--format conf|sql] [--rev-id ID] [--head REV] [--splice]\n"
	      "           [--branch-label L] [--depends-on REV]... [--version-path DIR]\n"
	      "  upgrade TARGET [--sql]        apply revisions up to TARGET\n"
	      "  downgrade TARGET [--sql]      revert down to TARGET (--sql needs FROM:TO)\n"
	      "  current [-v]                  the revisions the database is at\n"
	      "  heads [-v] [--resolve-dependencies]\n"
	      "  branches [-v]                 branch points\n"
	      "  history [-r RANGE] [-v] [-i]  revisions, newest first\n"
	      "  show REV                      one revision in full\n"
	      "  merge -m MSG [--rev-id ID] [--branch-label L] REVS...\n"
	      "  stamp TARGET... [--purge] [--sql]\n"
	      "  lint [REV...]                 run the policy plugins over scripts\n"
	      "  validate                      applied scripts still have the checksum they were applied with\n"
	      "  repair                        clear the failure mark after a hand repair\n"
	      "  plugins                       every plugin declared or found\n"
	      "  edit REV                      open the script in $EDITOR\n"
	      "\n"
	      "global options:\n"
	      "  -c, --config FILE   config file (default ./retort.conf or $RETORT_CONFIG)\n"
	      "  -n, --name NAME     use the group NAME of the config file as an overlay\n"
	      "  --url URL           override database.url\n"
	      "  -x KEY=VALUE        read as ${x.KEY} in the config file (repeatable)\n"
	      "  -q, --quiet         no progress output\n"
	      "  --json              machine output where the command has any\n"
	      "  --version, -h, --help\n"
	      "See retort(1).\n",
	      f);
}

/* Print a usage error; returns exit status 2. */
static int die_usage(const char *fmt, ...) RT_PRINTF(1, 2);
static int die_usage(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "retort: error: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see retort --help)\n");
	return 2;
}

/* Set a usage error as the current message; returns RETORT_EINVAL (exit 2). */
static int usage_err(const char *fmt, ...) RT_PRINTF(1, 2);
static int usage_err(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	rt_error_set("%s (see retort --help)", msg);
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

typedef struct optdef {
	const char *shortname, *longname;
	int takes_arg;
	int id;
} optdef;

enum {
	O_MESSAGE = 1, O_AUTOGEN, O_FORMAT, O_REVID, O_HEAD, O_SPLICE, O_BRANCHLABEL, O_DEPENDSON, O_VERSIONPATH,
	O_SQL, O_PURGE, O_VERBOSE, O_RESOLVE, O_RANGE, O_INDICATE, O_DIALECT, O_CHECKHEADS
};

static const optdef cmd_opts[] = {
	{"-m", "--message", 1, O_MESSAGE},       {NULL, "--autogenerate", 0, O_AUTOGEN},
	{NULL, "--format", 1, O_FORMAT},         {NULL, "--rev-id", 1, O_REVID},
	{NULL, "--head", 1, O_HEAD},             {NULL, "--splice", 0, O_SPLICE},
	{NULL, "--branch-label", 1, O_BRANCHLABEL}, {NULL, "--depends-on", 1, O_DEPENDSON},
	{NULL, "--version-path", 1, O_VERSIONPATH}, {NULL, "--sql", 0, O_SQL},
	{NULL, "--purge", 0, O_PURGE},           {"-v", "--verbose", 0, O_VERBOSE},
	{NULL, "--resolve-dependencies", 0, O_RESOLVE}, {"-r", "--rev-range", 1, O_RANGE},
	{"-i", "--indicate-current", 0, O_INDICATE}, {NULL, "--dialect", 1, O_DIALECT},
	{NULL, "--check-heads", 0, O_CHECKHEADS}, {NULL, NULL, 0, 0}};

/* which options each command accepts */
static const struct {
	const char *cmd;
	const int allowed[12];
} cmd_allowed[] = {
	{"init", {O_DIALECT}},
	{"revision", {O_MESSAGE, O_AUTOGEN, O_FORMAT, O_REVID, O_HEAD, O_SPLICE, O_BRANCHLABEL, O_DEPENDSON,
	              O_VERSIONPATH}},
	{"upgrade", {O_SQL}},
	{"downgrade", {O_SQL}},
	{"current", {O_VERBOSE, O_CHECKHEADS}},
	{"heads", {O_VERBOSE, O_RESOLVE}},
	{"branches", {O_VERBOSE}},
	{"history", {O_RANGE, O_VERBOSE, O_INDICATE}},
	{"show", {0}},
	{"merge", {O_MESSAGE, O_REVID, O_BRANCHLABEL}},
	{"stamp", {O_PURGE, O_SQL}},
	{"check", {0}},
	{"validate", {0}},
	{"lint", {0}},
	{"repair", {0}},
	{"plugins", {0}},
	{"edit", {0}},
	{NULL, {0}}};

static int allowed(const char *cmd, int id)
{
	size_t i, j;
	for (i = 0; cmd_allowed[i].cmd; i++) {
		if (strcmp(cmd_allowed[i].cmd, cmd) != 0)
			continue;
		for (j = 0; j < 12 && cmd_allowed[i].allowed[j]; j++)
			if (cmd_allowed[i].allowed[j] == id)
				return 1;
		return 0;
	}
	return 0;
}

static int known_command(const char *cmd)
{
	size_t i;
	for (i = 0; cmd_allowed[i].cmd; i++)
		if (strcmp(cmd_allowed[i].cmd, cmd) == 0)
			return 1;
	return 0;
}

static void cmd_usage(const char *cmd)
{
	size_t i, j, k;
	printf("usage: retort %s", cmd);
	for (i = 0; cmd_allowed[i].cmd; i++) {
		if (strcmp(cmd_allowed[i].cmd, cmd) != 0)
			continue;
		for (j = 0; j < 12 && cmd_allowed[i].allowed[j]; j++)
			for (k = 0; cmd_opts[k].longname; k++)
				if (cmd_opts[k].id == cmd_allowed[i].allowed[j])
					printf(" [%s%s]", cmd_opts[k].longname, cmd_opts[k].takes_arg ? " X" : "");
	}
	printf(" [args]\nSee retort(1) for what it does.\n");
}

static int parse_cmd_opts(opts *o, const char *cmd, int argc, char **argv)
{
	int i;
	for (i = 0; i < argc; i++) {
		const char *a = argv[i], *val = NULL;
		const optdef *d = NULL;
		size_t k;
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
			cmd_usage(cmd);
			return 1;
		}
		for (k = 0; cmd_opts[k].longname; k++) {
			size_t ln = strlen(cmd_opts[k].longname);
			if (strcmp(a, cmd_opts[k].longname) == 0 || (cmd_opts[k].shortname && strcmp(a, cmd_opts[k].shortname) == 0)) {
				d = &cmd_opts[k];
				break;
			}
			if (cmd_opts[k].takes_arg && strncmp(a, cmd_opts[k].longname, ln) == 0 && a[ln] == '=') {
				d = &cmd_opts[k];
				val = a + ln + 1;
				break;
			}
			/* -r-3:current, -mMSG */
			if (cmd_opts[k].takes_arg && cmd_opts[k].shortname && strncmp(a, cmd_opts[k].shortname, 2) == 0 &&
			    a[2]) {
				d = &cmd_opts[k];
				val = a + 2;
				break;
			}
		}
		if (!d || !allowed(cmd, d->id))
			return -die_usage("unknown option '%s'", a);
		if (d->takes_arg && !val) {
			if (i + 1 >= argc)
				return -die_usage("option %s needs a value", d->longname);
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
		}
	}
	return 0;
}

/* ---- JSON ---- */

static void json_str(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			if (c < 0x20)
				fprintf(f, "\\u%04x", c);
			else
				fputc(c, f);
		}
	}
	fputc('"', f);
}

static void json_strv(FILE *f, const rt_strv *sv)
{
	size_t i;
	fputc('[', f);
	for (i = 0; i < sv->n; i++) {
		if (i)
			fputs(", ", f);
		json_str(f, sv->v[i]);
	}
	fputc(']', f);
}

/* ---- revision formatting (Alembic's markers) ---- */

typedef struct fmt_state {
	rt_graph *g;
	const rt_strv *current; /* for (current), or NULL */
	const char *failed;     /* revision marked (failed), or NULL */
} fmt_state;

static void deps_list(rt_graph *g, const rt_revision *r, rt_strv *out)
{
	rt_revision *const *deps;
	size_t n = rt_graph_dependencies(g, r, &deps), i;
	(void)deps;
	(void)n;
	for (i = 0; i < r->depends_on.n; i++)
		rt_strv_push(out, r->depends_on.v[i]);
	(void)i;
}

static void markers(rt_buf *b, const fmt_state *fs, const rt_revision *r, int labels, int tree)
{
	const rt_strv *lb = rt_graph_labels(fs->g, r);
	if (labels && lb && lb->n) {
		rt_buf_puts(b, " (");
		rt_buf_put_joined(b, lb, ", ");
		rt_buf_putc(b, ')');
	}
	if (rt_graph_is_real_head(fs->g, r))
		rt_buf_puts(b, " (head)");
	else if (rt_graph_is_head(fs->g, r))
		rt_buf_puts(b, " (effective head)");
	if (tree) {
		if (rt_graph_is_branch_point(fs->g, r))
			rt_buf_puts(b, " (branchpoint)");
		if (rt_graph_is_merge_point(fs->g, r))
			rt_buf_puts(b, " (mergepoint)");
	}
	if (fs->current && rt_strv_find(fs->current, r->id) >= 0)
		rt_buf_puts(b, " (current)");
	if (fs->failed && strcmp(fs->failed, r->id) == 0)
		rt_buf_puts(b, " (failed)");
}

/* One line of `history` / `branches` into b (cleared first: callers reuse one buffer). */
static const char *one_line(rt_buf *b, const fmt_state *fs, const rt_revision *r, int parents, int doc)
{
	rt_buf_clear(b);
	if (parents) {
		if (r->parents.n)
			rt_buf_put_joined(b, &r->parents, ", ");
		else
			rt_buf_puts(b, "<base>");
		if (r->depends_on.n) {
			rt_strv d = RT_STRV_INIT;
			deps_list(fs->g, r, &d);
			rt_buf_puts(b, " (");
			rt_buf_put_joined(b, &d, ", ");
			rt_buf_putc(b, ')');
			rt_strv_free(&d);
		}
		rt_buf_puts(b, " -> ");
	}
	rt_buf_puts(b, r->id);
	markers(b, fs, r, 1, 1);
	if (doc) {
		rt_buf_puts(b, ", ");
		rt_buf_puts(b, r->message ? r->message : "");
	}
	return rt_buf_cstr(b);
}

static void verbose_entry(FILE *f, const fmt_state *fs, const rt_revision *r)
{
	rt_buf b = RT_BUF_INIT;
	rt_revision *const *kids;
	size_t nk = rt_graph_children(fs->g, r, &kids), i;
	const rt_strv *lb = rt_graph_labels(fs->g, r);
	rt_buf_puts(&b, r->id);
	markers(&b, fs, r, 0, 1);
	fprintf(f, "Rev: %s\n", rt_buf_cstr(&b));
	rt_buf_free(&b);
	if (r->parents.n > 1) {
		char *p = rt_strv_join(&r->parents, ", ");
		fprintf(f, "Merges: %s\n", p);
		rt_free(p);
	} else {
		fprintf(f, "Parent: %s\n", r->parents.n ? r->parents.v[0] : "<base>");
	}
	if (r->depends_on.n) {
		char *p = rt_strv_join(&r->depends_on, ", ");
		fprintf(f, "Also depends on: %s\n", p);
		rt_free(p);
	}
	if (nk > 1) {
		fputs("Branches into: ", f);
		for (i = 0; i < nk; i++)
			fprintf(f, "%s%s", i ? ", " : "", kids[i]->id);
		fputc('\n', f);
	}
	if (lb && lb->n) {
		char *p = rt_strv_join(lb, ", ");
		fprintf(f, "Branch names: %s\n", p);
		rt_free(p);
	}
	{
		char abs[4096];
		fprintf(f, "Path: %s\n", realpath(r->path, abs) ? abs : r->path);
	}
	fprintf(f, "\n    %s\n\n", r->message ? r->message : "");
	fprintf(f, "    Revision ID: %s\n", r->id);
	{
		char *p = rt_strv_join(&r->parents, ", ");
		fprintf(f, "    Revises: %s\n", p ? p : "");
		rt_free(p);
	}
	fprintf(f, "    Create Date: %s\n\n", r->create_date ? r->create_date : "");
}

static void json_rev(FILE *f, const fmt_state *fs, const rt_revision *r)
{
	rt_revision *const *kids;
	size_t nk = rt_graph_children(fs->g, r, &kids), i;
	const rt_strv *lb = rt_graph_labels(fs->g, r);
	fputs("{\"revision\": ", f);
	json_str(f, r->id);
	fputs(", \"down_revision\": ", f);
	json_strv(f, &r->parents);
	fputs(", \"depends_on\": ", f);
	json_strv(f, &r->depends_on);
	fputs(", \"branch_labels\": ", f);
	if (lb)
		json_strv(f, lb);
	else
		fputs("[]", f);
	fputs(", \"children\": [", f);
	for (i = 0; i < nk; i++) {
		if (i)
			fputs(", ", f);
		json_str(f, kids[i]->id);
	}
	fprintf(f, "], \"is_head\": %s, \"is_effective_head\": %s, \"is_branch_point\": %s, \"is_merge_point\": %s",
	        rt_graph_is_real_head(fs->g, r) ? "true" : "false",
	        !rt_graph_is_real_head(fs->g, r) && rt_graph_is_head(fs->g, r) ? "true" : "false",
	        rt_graph_is_branch_point(fs->g, r) ? "true" : "false", rt_graph_is_merge_point(fs->g, r) ? "true" : "false");
	if (fs->current)
		fprintf(f, ", \"is_current\": %s", rt_strv_find(fs->current, r->id) >= 0 ? "true" : "false");
	fputs(", \"message\": ", f);
	json_str(f, r->message);
	fputs(", \"create_date\": ", f);
	json_str(f, r->create_date);
	fputs(", \"path\": ", f);
	json_str(f, r->path);
	fputs(", \"checksum\": ", f);
	json_str(f, r->checksum);
	fputc('}', f);
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

static int cmd_init(opts *o)
{
	const char *dir, *dialect = o->dialect ? o->dialect : "sqlite", *url;
	char *p = NULL, *conf = NULL;
	int rc;
	DIR *d;
	if (o->args.n != 1)
		return die_usage("init needs exactly one DIR%s", "");
	dir = o->args.v[0];
	if (strcmp(dialect, "sqlite") == 0)
		url = "${DATABASE_URL:-sqlite:///app.db}";
	else if (strcmp(dialect, "postgresql") == 0)
		url = "${DATABASE_URL:-postgresql://app@localhost:5432/app}";
	else if (strcmp(dialect, "mysql") == 0)
		url = "${DATABASE_URL:-mysql://app@localhost:3306/app}";
	else
		return die_usage("unknown dialect '%s' (sqlite, postgresql, mysql)", dialect);
	if (access("retort.conf", F_OK) == 0) {
		rt_error_set("retort.conf already exists here; not overwriting it");
		return fail(RETORT_EINVAL);
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
			return fail(RETORT_EINVAL);
		}
	} else if (mkdir(dir, 0777) != 0) {
		rt_error_set("%s: cannot create: %s", dir, strerror(errno));
		return fail(RETORT_ERROR);
	}
	p = rt_asprintf("%s/versions", dir);
	if (mkdir(p, 0777) != 0 && errno != EEXIST) {
		rt_error_set("%s: cannot create: %s", p, strerror(errno));
		rt_free(p);
		return fail(RETORT_ERROR);
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
		return fail(rc);
	p = rt_asprintf("%s/schema.conf", dir);
	rc = write_file(p, schema_conf, 1);
	if (rc == 0 && !o->quiet)
		fprintf(stderr, "Generating %s ...  done\n", p);
	rt_free(p);
	if (rc < 0)
		return fail(rc);
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
		return fail(rc);
	if (!o->quiet)
		fprintf(stderr, "Generating retort.conf ...  done\nPlease edit the database URL in retort.conf before "
		                "proceeding.\n");
	return 0;
}

/* ---- revision / merge ---- */

static int rev_id_ok(const char *id)
{
	return rt_revision_id_problem(id) == NULL; /* the rule scripts follow (script.h) */
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
		rt_error_set("revision identifier '%.40s%s' %s (%s)", rev, strlen(rev) > 40 ? "..." : "",
		             rt_revision_id_problem(rev), RT_REVISION_ID_RULE);
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

/* ---- read-only commands ---- */

static int cmd_heads(rt_ctx *ctx, opts *o)
{
	rt_revision **hs = NULL;
	size_t n = 0, i;
	fmt_state fs = {ctx->graph, NULL, NULL};
	int rc = rt_graph_heads(ctx->graph, o->resolve_deps, &hs, &n);
	if (rc < 0)
		return rc;
	if (o->json)
		printf("{\"heads\": [");
	for (i = 0; i < n; i++) {
		if (o->json) {
			if (i)
				printf(", ");
			json_rev(stdout, &fs, hs[i]);
		} else if (o->verbose) {
			verbose_entry(stdout, &fs, hs[i]);
		} else {
			rt_buf b = RT_BUF_INIT;
			rt_buf_puts(&b, hs[i]->id);
			markers(&b, &fs, hs[i], 1, 0);
			printf("%s\n", rt_buf_cstr(&b));
			rt_buf_free(&b);
		}
	}
	if (o->json)
		printf("]}\n");
	rt_free(hs);
	return RETORT_OK;
}

static int cmd_branches(rt_ctx *ctx, opts *o)
{
	rt_revision **bs = NULL;
	rt_buf line = RT_BUF_INIT;
	size_t n = 0, i, k;
	fmt_state fs = {ctx->graph, NULL, NULL};
	int rc = rt_graph_branch_points(ctx->graph, &bs, &n);
	if (rc < 0)
		return rc;
	if (o->json)
		printf("{\"branch_points\": [");
	for (i = 0; i < n; i++) {
		rt_revision *const *kids;
		size_t nk = rt_graph_children(ctx->graph, bs[i], &kids);
		if (o->json) {
			if (i)
				printf(", ");
			json_rev(stdout, &fs, bs[i]);
			continue;
		}
		if (o->verbose)
			verbose_entry(stdout, &fs, bs[i]);
		else
			printf("%s\n", one_line(&line, &fs, bs[i], 0, 0));
		for (k = 0; k < nk; k++)
			printf("%*s -> %s\n", (int)strlen(bs[i]->id), "", one_line(&line, &fs, kids[k], 0, 1));
		printf("\n");
	}
	if (o->json)
		printf("]}\n");
	rt_buf_free(&line);
	rt_free(bs);
	return RETORT_OK;
}

/* the database's rows, read-only; *connected 0 when no URL is configured */
static int read_current(rt_ctx *ctx, rt_strv *cur, char **failed)
{
	int rc, exists = 0;
	if ((rc = rt_ctx_connect(ctx)) < 0)
		return rc;
	if ((rc = rt_db_read_heads(ctx, cur, &exists, failed)) < 0)
		return rc;
	return RETORT_OK;
}

static int cmd_current(rt_ctx *ctx, opts *o)
{
	rt_strv cur = RT_STRV_INIT;
	char *failed = NULL;
	rt_revision **shown = NULL;
	size_t n = 0, i;
	int rc;
	fmt_state fs = {ctx->graph, NULL, NULL};
	if ((rc = read_current(ctx, &cur, &failed)) < 0)
		goto done;
	fs.failed = failed;
	if ((rc = rt_graph_check_current(ctx->graph, &cur)) < 0)
		goto done;
	if ((rc = rt_graph_current_display(ctx->graph, &cur, &shown, &n)) < 0)
		goto done;
	if (o->json) {
		printf("{\"database_url\": ");
		json_str(stdout, rt_url_masked(ctx->url));
		printf(", \"failed\": ");
		json_str(stdout, failed);
		printf(", \"current\": [");
		for (i = 0; i < n; i++) {
			if (i)
				printf(", ");
			json_rev(stdout, &fs, shown[i]);
		}
		printf("]}\n");
	} else {
		if (o->verbose)
			printf("Current revision(s) for %s:\n", rt_url_masked(ctx->url));
		if (failed) {
			/* a revision that failed part-way is not in the version table: show it anyway */
			int listed = 0;
			for (i = 0; i < n; i++)
				listed |= strcmp(shown[i]->id, failed) == 0;
			if (!listed)
				printf("%s (failed)\n", failed);
		}
		for (i = 0; i < n; i++) {
			if (o->verbose) {
				verbose_entry(stdout, &fs, shown[i]);
			} else {
				rt_buf b = RT_BUF_INIT;
				rt_buf_puts(&b, shown[i]->id);
				markers(&b, &fs, shown[i], 0, 1);
				printf("%s\n", rt_buf_cstr(&b));
				rt_buf_free(&b);
			}
		}
	}
	if (o->check_heads) {
		rt_revision **hs = NULL;
		size_t nh = 0;
		if ((rc = rt_graph_heads(ctx->graph, 1, &hs, &nh)) < 0)
			goto done;
		for (i = 0; i < nh; i++) {
			size_t j;
			int found = 0;
			for (j = 0; j < n; j++)
				if (shown[j] == hs[i])
					found = 1;
			if (!found) {
				rt_error_set("Database is not on all head revisions");
				rc = RETORT_ERROR;
			}
		}
		rt_free(hs);
	}
done:
	rt_free(shown);
	rt_free(failed);
	rt_strv_free(&cur);
	return rc;
}

static int needs_db_for_range(const char *range)
{
	return range && strstr(range, "current") != NULL;
}

static int cmd_history(rt_ctx *ctx, opts *o)
{
	rt_strv cur = RT_STRV_INIT;
	rt_buf line = RT_BUF_INIT;
	rt_revision **revs = NULL;
	size_t n = 0, i;
	int rc;
	fmt_state fs = {ctx->graph, NULL, NULL};
	if (o->range && !strchr(o->range, ':')) {
		rt_error_set("History range requires [start]:[end], [start]:, or :[end]");
		return RETORT_EINVAL;
	}
	if (o->indicate_current || needs_db_for_range(o->range)) {
		if ((rc = read_current(ctx, &cur, NULL)) < 0)
			goto done;
		if ((rc = rt_graph_check_current(ctx->graph, &cur)) < 0)
			goto done;
		if (o->indicate_current)
			fs.current = &cur;
	}
	if ((rc = rt_graph_history(ctx->graph, o->range, &cur, &revs, &n)) < 0)
		goto done;
	if (o->json)
		printf("{\"history\": [");
	for (i = 0; i < n; i++) {
		if (o->json) {
			if (i)
				printf(", ");
			json_rev(stdout, &fs, revs[i]);
		} else if (o->verbose) {
			verbose_entry(stdout, &fs, revs[i]);
		} else {
			fputs(one_line(&line, &fs, revs[i], 1, 1), stdout);
			putchar('\n');
		}
	}
	if (o->json)
		printf("]}\n");
done:
	rt_buf_free(&line);
	rt_free(revs);
	rt_strv_free(&cur);
	return rc;
}

static int resolve_for_show(rt_ctx *ctx, const char *spec, rt_strv *ids)
{
	rt_strv cur = RT_STRV_INIT;
	int rc;
	if (strcmp(spec, "current") == 0 || strncmp(spec, "current", 7) == 0) {
		if ((rc = read_current(ctx, &cur, NULL)) < 0) {
			rt_strv_free(&cur);
			return rc;
		}
	}
	rc = rt_graph_resolve(ctx->graph, spec, &cur, 0, ids);
	rt_strv_free(&cur);
	return rc;
}

static int cmd_show(rt_ctx *ctx, opts *o)
{
	rt_strv ids = RT_STRV_INIT;
	size_t i;
	int rc;
	fmt_state fs = {ctx->graph, NULL, NULL};
	if (o->args.n != 1)
		return usage_err("show needs one revision%s", "");
	if ((rc = resolve_for_show(ctx, o->args.v[0], &ids)) < 0)
		goto done;
	if (o->json)
		printf("{\"revisions\": [");
	for (i = 0; i < ids.n; i++) {
		rt_revision *r = rt_graph_get(ctx->graph, ids.v[i]);
		if (!r)
			continue;
		if (o->json) {
			if (i)
				printf(", ");
			json_rev(stdout, &fs, r);
		} else {
			verbose_entry(stdout, &fs, r);
		}
	}
	if (o->json)
		printf("]}\n");
done:
	rt_strv_free(&ids);
	return rc;
}

static int cmd_edit(rt_ctx *ctx, opts *o)
{
	rt_strv ids = RT_STRV_INIT;
	const char *editor = getenv("VISUAL") ? getenv("VISUAL") : getenv("EDITOR");
	int rc;
	size_t i;
	if (o->args.n != 1)
		return usage_err("edit needs one revision%s", "");
	if ((rc = resolve_for_show(ctx, o->args.v[0], &ids)) < 0)
		goto done;
	if (ids.n == 0) {
		rt_error_set("No revision files indicated by symbol '%s'", o->args.v[0]);
		rc = RETORT_EINVAL;
		goto done;
	}
	if (!editor || !*editor) {
		rt_error_set("set $EDITOR (or $VISUAL) to edit revision scripts");
		rc = RETORT_EINVAL;
		goto done;
	}
	for (i = 0; i < ids.n; i++) {
		rt_revision *r = rt_graph_get(ctx->graph, ids.v[i]);
		pid_t pid = fork();
		int st = 0;
		if (pid == 0) {
			execlp("/bin/sh", "sh", "-c", "exec $0 \"$1\"", editor, r->path, (char *)NULL);
			_exit(127);
		}
		if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			rt_error_set("editor '%s' failed on %s", editor, r->path);
			rc = RETORT_ERROR;
			goto done;
		}
	}
done:
	rt_strv_free(&ids);
	return rc;
}

/*
 * validate: every revision the database is at (the version table's rows
 * and their ancestors) must still have the checksum it was applied with.
 */
static int cmd_validate(rt_ctx *ctx, opts *o)
{
	rt_strv cur = RT_STRV_INIT, ids = RT_STRV_INIT, sums = RT_STRV_INIT;
	size_t i, k, applied = 0, bad = 0, unknown = 0;
	int rc, first = 1;
	if ((rc = read_current(ctx, &cur, NULL)) < 0 || (rc = rt_graph_check_current(ctx->graph, &cur)) < 0 ||
	    (rc = rt_db_applied_checksums(ctx, &ids, &sums)) < 0)
		goto done;
	if (o->json)
		printf("{\"mismatches\": [");
	for (i = 0; i < rt_graph_count(ctx->graph); i++) {
		rt_revision *r = rt_graph_at(ctx->graph, i);
		int is_applied = rt_strv_find(&cur, r->id) >= 0;
		long at;
		for (k = 0; k < cur.n && !is_applied; k++)
			is_applied = rt_graph_is_ancestor(ctx->graph, r, rt_graph_get(ctx->graph, cur.v[k]));
		if (!is_applied)
			continue;
		applied++;
		at = rt_strv_find(&ids, r->id);
		if (at < 0 || !*sums.v[at]) {
			unknown++;
			if (!o->json && !o->quiet)
				fprintf(stderr, "retort: warning: %s: no checksum recorded (applied by another tool?)\n", r->id);
			continue;
		}
		if (strcmp(sums.v[at], r->checksum) == 0)
			continue;
		bad++;
		if (o->json) {
			printf("%s{\"revision\": ", first ? "" : ", ");
			json_str(stdout, r->id);
			printf(", \"applied_checksum\": ");
			json_str(stdout, sums.v[at]);
			printf(", \"script_checksum\": ");
			json_str(stdout, r->checksum);
			printf(", \"path\": ");
			json_str(stdout, r->path);
			printf("}");
			first = 0;
		} else {
			printf("%s: edited since it was applied (applied %.12s, now %.12s): %s\n", r->id, sums.v[at],
			       r->checksum, r->path);
		}
		rt_ctx_event(ctx, "validate.mismatch", r, NULL, "failed", NULL, -1, "checksum mismatch", NULL);
	}
	if (o->json)
		printf("], \"applied\": %zu, \"unchecked\": %zu}\n", applied, unknown);
	else if (!bad && !o->quiet)
		fprintf(stderr, "All %zu applied revisions match their scripts%s.\n", applied - unknown,
		        unknown ? " (some have no recorded checksum)" : "");
	if (bad) {
		rt_error_set("%zu applied revision%s edited since %s applied", bad, bad == 1 ? " was" : "s were",
		             bad == 1 ? "it was" : "they were");
		rc = RETORT_ERROR;
	}
done:
	rt_strv_free(&cur);
	rt_strv_free(&ids);
	rt_strv_free(&sums);
	return rc;
}

typedef struct lint_state {
	const opts *o;
	const rt_revision *rev;
	size_t count;
} lint_state;

static int lint_violation(void *arg, const char *rule, const char *message, const char *where)
{
	lint_state *ls = arg;
	if (ls->o->json) {
		printf("%s{\"revision\": ", ls->count ? ", " : "");
		json_str(stdout, ls->rev->id);
		printf(", \"path\": ");
		json_str(stdout, ls->rev->path);
		printf(", \"rule\": ");
		json_str(stdout, rule);
		printf(", \"where\": ");
		json_str(stdout, where);
		printf(", \"message\": ");
		json_str(stdout, message);
		printf("}");
	} else {
		printf("%s: %s%s%s: [%s] %s\n", ls->rev->path, ls->rev->id, where ? " " : "", where ? where : "",
		       rule ? rule : "policy", message ? message : "");
	}
	ls->count++;
	return RETORT_OK;
}

/* lint [REV...]: the policy plugins' checks over the scripts (all when none named). */
static int cmd_lint(rt_ctx *ctx, opts *o)
{
	rt_strv ids = RT_STRV_INIT, cur = RT_STRV_INIT;
	lint_state ls = {o, NULL, 0};
	size_t i, npol = 0;
	int rc = RETORT_OK;
	if (o->args.n == 0) {
		for (i = 0; i < rt_graph_count(ctx->graph) && rc == RETORT_OK; i++)
			rc = rt_strv_push(&ids, rt_graph_at(ctx->graph, i)->id);
	}
	for (i = 0; i < o->args.n && rc == RETORT_OK; i++)
		rc = rt_graph_resolve(ctx->graph, o->args.v[i], &cur, 0, &ids);
	if (rc < 0)
		goto done;
	if (o->json)
		printf("{\"violations\": [");
	for (i = 0; i < ids.n; i++) {
		rt_revision *r = rt_graph_get(ctx->graph, ids.v[i]);
		retort_script sc;
		if (!r)
			continue;
		if ((rc = rt_script_load_ops(r)) < 0)
			goto done;
		memset(&sc, 0, sizeof sc);
		sc.size = sizeof sc;
		sc.path = r->path;
		sc.revision = r->id;
		sc.message = r->message;
		sc.format = r->format;
		sc.upgrade = r->upgrade;
		sc.nupgrade = r->nupgrade;
		sc.downgrade = r->downgrade;
		sc.ndowngrade = r->ndowngrade;
		ls.rev = r;
		if ((rc = rt_plugins_check(ctx->plugins, &sc, lint_violation, &ls, &npol)) < 0)
			goto done;
	}
	if (o->json)
		printf("], \"scripts\": %zu, \"policies\": %zu}\n", ids.n, npol);
	if (npol == 0 && !o->quiet)
		fprintf(stderr, "retort: warning: no policy plugin is declared: nothing was checked\n");
	if (ls.count) {
		rt_error_set("%zu violation%s in %zu script%s", ls.count, ls.count == 1 ? "" : "s", ids.n,
		             ids.n == 1 ? "" : "s");
		rc = RETORT_ERROR;
	}
done:
	rt_strv_free(&ids);
	rt_strv_free(&cur);
	return rc;
}

static int cmd_plugins(rt_ctx *ctx, opts *o)
{
	rt_strv names = RT_STRV_INIT;
	size_t i;
	int rc, first = 1;
	if (o->json)
		printf("{\"plugins\": [");
	for (i = 0; i < ctx->plugins->n; i++) {
		rt_plugin *p = ctx->plugins->v[i];
		if (o->json) {
			printf("%s{\"name\": ", first ? "" : ", ");
			json_str(stdout, p->desc.name);
			printf(", \"kind\": \"%s\", \"version\": ", rt_plugin_kind_name(p->kind));
			json_str(stdout, p->desc.version);
			printf(", \"abi\": %u, \"declared\": true, \"path\": ", (unsigned)p->desc.abi_version);
			json_str(stdout, p->path);
			printf(", \"description\": ");
			json_str(stdout, p->desc.description);
			printf("}");
		} else {
			printf("%-12s %-10s %-8s ABI %u  declared  %s\n", p->desc.name, rt_plugin_kind_name(p->kind),
			       p->desc.version ? p->desc.version : "?", (unsigned)p->desc.abi_version, p->path);
		}
		first = 0;
	}
	if ((rc = rt_plugins_scan(ctx->plugins, &names)) < 0)
		goto done;
	for (i = 0; i < names.n; i++) {
		rt_plugin *p = NULL;
		const retort_plugin_impl *impl;
		rt_buf kinds = RT_BUF_INIT;
		if (rt_plugin_probe(ctx->plugins, names.v[i], &p) < 0) {
			if (!o->json)
				printf("%-12s (not loadable: %s)\n", names.v[i], rt_error_msg());
			rt_error_clear();
			continue;
		}
		for (impl = p->desc.impls; impl->kind != RETORT_KIND_END; impl++)
			rt_buf_printf(&kinds, "%s%s", kinds.len ? "," : "", rt_plugin_kind_name(impl->kind));
		if (o->json) {
			printf("%s{\"name\": ", first ? "" : ", ");
			json_str(stdout, p->desc.name);
			printf(", \"kind\": ");
			json_str(stdout, rt_buf_cstr(&kinds));
			printf(", \"version\": ");
			json_str(stdout, p->desc.version);
			printf(", \"abi\": %u, \"declared\": false, \"path\": ", (unsigned)p->desc.abi_version);
			json_str(stdout, p->path);
			printf(", \"description\": ");
			json_str(stdout, p->desc.description);
			printf("}");
		} else {
			printf("%-12s %-10s %-8s ABI %u  found     %s\n", p->desc.name, rt_buf_cstr(&kinds),
			       p->desc.version ? p->desc.version : "?", (unsigned)p->desc.abi_version, p->path);
		}
		first = 0;
		rt_buf_free(&kinds);
		rt_plugin_free(p);
	}
	if (o->json)
		printf("]}\n");
done:
	rt_strv_free(&names);
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

static int run(int argc, char **argv)
{
	opts o;
	const char *cmd = NULL;
	int i, rc, need_graph;
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
	if (!known_command(cmd))
		return die_usage("unknown command '%s'", cmd);
	rc = parse_cmd_opts(&o, cmd, argc - i - 1, argv + i + 1);
	if (rc != 0) {
		rc = rc > 0 ? 0 : 2;
		goto out_opts;
	}
	if (o.json && (!strcmp(cmd, "upgrade") || !strcmp(cmd, "downgrade")) && o.sql) {
		rc = die_usage("--json does not apply to %s --sql", cmd);
		goto out_opts;
	}
	if (!strcmp(cmd, "init")) {
		rc = cmd_init(&o);
		goto out_opts;
	}
	if ((rc = load_config(&o, &cfg)) < 0) {
		rc = fail(rc);
		goto out_opts;
	}
	need_graph = strcmp(cmd, "plugins") != 0 && strcmp(cmd, "repair") != 0;
	if ((rc = rt_ctx_open(&ctx, cfg, cmd, need_graph)) < 0) {
		rc = fail(rc);
		goto out;
	}
	ctx.quiet = o.quiet;
	ctx.read_only = !strcmp(cmd, "current") || !strcmp(cmd, "history") || !strcmp(cmd, "show") ||
	                !strcmp(cmd, "heads") || !strcmp(cmd, "branches") || !strcmp(cmd, "edit") ||
	                !strcmp(cmd, "check") || !strcmp(cmd, "validate");
	if (!strcmp(cmd, "upgrade") || !strcmp(cmd, "downgrade")) {
		int up = cmd[0] == 'u';
		if (o.args.n != 1) {
			rc = fail(usage_err("%s needs one TARGET", cmd));
			goto out;
		}
		if (!o.sql && strchr(o.args.v[0], ':')) {
			rt_error_set("Range revision not allowed without --sql ('%s')", o.args.v[0]);
			rc = RETORT_EINVAL;
		} else {
			rc = o.sql ? rt_run_offline(&ctx, up, o.args.v[0]) : rt_run_migrate(&ctx, up, o.args.v[0]);
		}
	} else if (!strcmp(cmd, "stamp")) {
		if (o.args.n < 1) {
			rc = fail(usage_err("stamp needs at least one TARGET%s", ""));
			goto out;
		}
		rc = rt_run_stamp(&ctx, (const char *const *)o.args.v, o.args.n, o.purge, o.sql);
	} else if (!strcmp(cmd, "revision")) {
		rc = cmd_revision(&ctx, &o);
	} else if (!strcmp(cmd, "merge")) {
		rc = cmd_merge(&ctx, &o);
	} else if (!strcmp(cmd, "heads")) {
		rc = cmd_heads(&ctx, &o);
	} else if (!strcmp(cmd, "branches")) {
		rc = cmd_branches(&ctx, &o);
	} else if (!strcmp(cmd, "current")) {
		rc = cmd_current(&ctx, &o);
	} else if (!strcmp(cmd, "history")) {
		rc = cmd_history(&ctx, &o);
	} else if (!strcmp(cmd, "show")) {
		rc = cmd_show(&ctx, &o);
	} else if (!strcmp(cmd, "edit")) {
		rc = cmd_edit(&ctx, &o);
	} else if (!strcmp(cmd, "plugins")) {
		rc = cmd_plugins(&ctx, &o);
	} else if (!strcmp(cmd, "lint")) {
		rc = cmd_lint(&ctx, &o);
	} else if (!strcmp(cmd, "validate")) {
		rc = cmd_validate(&ctx, &o);
	} else if (!strcmp(cmd, "repair")) {
		rc = rt_run_repair(&ctx);
	} else {
		rt_error_set("'%s' is not available yet in this version of retort (see retort(1))", cmd);
		rc = RETORT_EINVAL;
	}
	if (rc < 0)
		rc = fail(rc);
out:
	close_ctx(&ctx);
	rt_config_free(cfg);
out_opts:
	rt_strv_free(&o.xs);
	rt_strv_free(&o.args);
	rt_strv_free(&o.branch_labels);
	rt_strv_free(&o.depends_on);
	return rc;
}

int main(int argc, char **argv)
{
	return run(argc, argv);
}
