/*
 * test_cache: the script header cache (core/lib/cache.c) through
 * rt_graph_load: a cache never changes what is loaded.  A changed, added or
 * removed script is seen; a corrupt cache is ignored; a cache that cannot be
 * written does not fail the load; RETORT_NO_CACHE disables it; a folder of
 * 700 scripts (read on two threads) loads in file-name order, the same
 * with the cache, without it and on one thread.
 *
 * Scripts written in the last RT_CACHE_RACY_SECONDS are not cached, so the
 * fixtures are written once and the suite waits that long before using them.
 */
#include "config.h"

#include <dirent.h>

#include "cu.h"

#include "cache.h"
#include "graph.h"
#include "rt.h"

static char *sandbox, *versions, *cachefile, *cachedir, *bigdir;

/*
 * A folder large enough for rt_graph_load's second thread (512 scripts and
 * more), whose names test the sort: a group sharing its first 8 bytes,
 * names shorter than 8 bytes, names with bytes above 0x7f.
 */
#define NBIG 700
static char bigname[NBIG][48];

static void sandbox_remove(void)
{
	char cmd[256];
	if (sandbox && strncmp(sandbox, "/tmp/retort-unit-", 17) == 0) {
		snprintf(cmd, sizeof cmd, "chmod -R u+w '%s'; rm -rf '%s'", sandbox, sandbox);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", sandbox);
	}
	free(sandbox);
	free(versions);
	free(cachefile);
	free(cachedir);
	free(bigdir);
}

static void big_script(size_t i, const char *msg)
{
	char text[256];
	snprintf(text, sizeof text, "revision = \"big%04zu\";\nmessage = \"%s\";\n", i, msg);
	free(rt_cu_write(bigdir, bigname[i], text));
}

static void script(const char *id, const char *down, const char *msg)
{
	char name[64], text[512];
	snprintf(name, sizeof name, "%s_x.conf", id);
	if (down)
		snprintf(text, sizeof text, "revision = \"%s\";\ndown_revision = \"%s\";\nmessage = \"%s\";\n", id, down,
			 msg);
	else
		snprintf(text, sizeof text, "revision = \"%s\";\nmessage = \"%s\";\n", id, msg);
	free(rt_cu_write(versions, name, text));
}

/* The cache file of folder dir (as rt_graph_load names it: by the absolute path) */
static char *cache_file_of(const char *dir)
{
	char *real = realpath(dir, NULL), *path = malloc(4096);
	CU_ASSERT_PTR_NOT_NULL_FATAL(real);
	CU_ASSERT_TRUE_FATAL(rt_cache_path(path, 4096, real));
	free(real);
	return path;
}

static void setup_once(void)
{
	size_t n, i;
	if (sandbox)
		return;
	sandbox = rt_cu_sandbox();
	atexit(sandbox_remove);
	n = strlen(sandbox) + 32;
	versions = malloc(n);
	snprintf(versions, n, "%s/versions", sandbox);
	/* the cache files go to $XDG_CACHE_HOME/retort */
	cachedir = malloc(n);
	snprintf(cachedir, n, "%s/xdg", sandbox);
	setenv("XDG_CACHE_HOME", cachedir, 1);
	snprintf(cachedir, n, "%s/xdg/retort", sandbox);
	CU_ASSERT_EQUAL_FATAL(mkdir(versions, 0755), 0);
	cachefile = cache_file_of(versions);
	script("aaaa00000001", NULL, "one");
	script("aaaa00000002", "aaaa00000001", "two");
	script("aaaa00000003", "aaaa00000002", "three");
	bigdir = malloc(n);
	snprintf(bigdir, n, "%s/big", sandbox);
	for (i = 0; i < NBIG; i++) {
		/* written in an order unrelated to the names' order */
		size_t k = (i * 7919) % NBIG;
		if (k % 3 == 0)
			snprintf(bigname[i], sizeof bigname[i], "ffffffff%04zu_same_prefix.conf", (k * 31) % 1000);
		else if (k % 3 == 1)
			snprintf(bigname[i], sizeof bigname[i], "%c%zu.conf", (int)('a' + k % 26), k);
		else
			snprintf(bigname[i], sizeof bigname[i], "\xc3\xa9t%04zu.conf", k);
		big_script(i, "big");
	}
	sleep(RT_CACHE_RACY_SECONDS + 1);
}

static rt_graph *load_from(const char *dir)
{
	rt_graph *g = NULL;
	const char *dirs[1];
	int rc;
	dirs[0] = dir;
	rc = rt_graph_load(&g, dirs, 1);
	if (rc != RETORT_OK)
		fprintf(stderr, "\n  unexpected error: %s\n", rt_error_msg());
	CU_ASSERT_EQUAL_FATAL(rc, RETORT_OK);
	return g;
}

static int exists(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0;
}

/* Number of files in the cache folder whose name contains ".tmp" */
static int tmp_files(void)
{
	DIR *d = opendir(cachedir);
	struct dirent *e;
	int n = 0;
	while (d && (e = readdir(d)) != NULL)
		if (strstr(e->d_name, ".tmp"))
			n++;
	if (d)
		closedir(d);
	return n;
}

static const char *message_of(rt_graph *g, const char *id)
{
	rt_revision *r = rt_graph_get(g, id);
	return r && r->message ? r->message : "";
}

static void test_cache__written_and_used(void)
{
	rt_graph *g;
	rt_cache *c;
	rt_revision *rev = NULL;
	struct stat st;
	char path[512];
	setup_once();
	unlink(cachefile);
	g = load_from(versions);
	CU_ASSERT_EQUAL(rt_graph_count(g), 3);
	rt_graph_free(g);
	CU_ASSERT_TRUE(exists(cachefile));
	CU_ASSERT_EQUAL(tmp_files(), 0);
	/* the entry is there and matches the file's stat */
	snprintf(path, sizeof path, "%s/aaaa00000002_x.conf", versions);
	CU_ASSERT_EQUAL_FATAL(stat(path, &st), 0);
	c = rt_cache_open(versions);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(rt_cache_get(c, "aaaa00000002_x.conf", path, &st, &rev), 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rev);
	CU_ASSERT_STRING_EQUAL(rev->id, "aaaa00000002");
	CU_ASSERT_STRING_EQUAL(rev->message, "two");
	CU_ASSERT_EQUAL(rev->parents.n, 1);
	CU_ASSERT_STRING_EQUAL(rev->parents.v[0], "aaaa00000001");
	CU_ASSERT_EQUAL(strlen(rev->checksum), 64);
	rt_revision_free(rev);
	/* a different size: stale */
	st.st_size++;
	rev = NULL;
	CU_ASSERT_EQUAL(rt_cache_get(c, "aaaa00000002_x.conf", path, &st, &rev), 0);
	CU_ASSERT_PTR_NULL(rev);
	rt_cache_free(c);
	/* loaded through the cache: the same graph */
	g = load_from(versions);
	CU_ASSERT_EQUAL(rt_graph_count(g), 3);
	CU_ASSERT_STRING_EQUAL(message_of(g, "aaaa00000003"), "three");
	rt_graph_free(g);
}

static void test_cache__changed_file_is_seen(void)
{
	rt_graph *g;
	setup_once();
	g = load_from(versions); /* cache up to date */
	rt_graph_free(g);
	/* same size, new content, written now (racy): must be read again */
	script("aaaa00000002", "aaaa00000001", "TWO");
	g = load_from(versions);
	CU_ASSERT_STRING_EQUAL(message_of(g, "aaaa00000002"), "TWO");
	rt_graph_free(g);
	g = load_from(versions);
	CU_ASSERT_STRING_EQUAL(message_of(g, "aaaa00000002"), "TWO");
	rt_graph_free(g);
	script("aaaa00000002", "aaaa00000001", "two");
	g = load_from(versions);
	CU_ASSERT_STRING_EQUAL(message_of(g, "aaaa00000002"), "two");
	rt_graph_free(g);
}

static void test_cache__added_and_removed_files_are_seen(void)
{
	rt_graph *g;
	char path[512];
	setup_once();
	g = load_from(versions);
	rt_graph_free(g);
	script("aaaa00000004", "aaaa00000003", "four");
	g = load_from(versions);
	CU_ASSERT_EQUAL(rt_graph_count(g), 4);
	CU_ASSERT_PTR_NOT_NULL(rt_graph_get(g, "aaaa00000004"));
	rt_graph_free(g);
	snprintf(path, sizeof path, "%s/aaaa00000004_x.conf", versions);
	CU_ASSERT_EQUAL(unlink(path), 0);
	g = load_from(versions);
	CU_ASSERT_EQUAL(rt_graph_count(g), 3);
	CU_ASSERT_PTR_NULL(rt_graph_get(g, "aaaa00000004"));
	rt_graph_free(g);
}

static void test_cache__corrupt_cache_is_ignored(void)
{
	static const char *const junk[] = {
		"garbage",
		"retort-cache 1 5 0000000000000000\nhello",
		"retort-cache 1 999 0000000000000000\nshort",
		"retort-cache 9 0 cbf29ce484222325\n", /* another version */
	};
	size_t i;
	setup_once();
	for (i = 0; i < sizeof junk / sizeof junk[0]; i++) {
		rt_graph *g;
		FILE *f = fopen(cachefile, "w");
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		fputs(junk[i], f);
		fclose(f);
		g = load_from(versions);
		CU_ASSERT_EQUAL(rt_graph_count(g), 3);
		CU_ASSERT_STRING_EQUAL(message_of(g, "aaaa00000001"), "one");
		rt_graph_free(g);
	}
	/* a truncated real cache */
	{
		rt_graph *g = load_from(versions);
		struct stat st;
		rt_graph_free(g);
		CU_ASSERT_EQUAL_FATAL(stat(cachefile, &st), 0);
		CU_ASSERT_EQUAL(truncate(cachefile, st.st_size / 2), 0);
		g = load_from(versions);
		CU_ASSERT_EQUAL(rt_graph_count(g), 3);
		rt_graph_free(g);
	}
}

static void test_cache__unwritable_cache_does_not_fail(void)
{
	rt_graph *g;
	setup_once();
	/* the cache's name taken by a folder: rename fails */
	unlink(cachefile);
	CU_ASSERT_EQUAL_FATAL(mkdir(cachefile, 0755), 0);
	g = load_from(versions);
	CU_ASSERT_EQUAL(rt_graph_count(g), 3);
	rt_graph_free(g);
	CU_ASSERT_EQUAL(tmp_files(), 0);
	CU_ASSERT_EQUAL(rmdir(cachefile), 0);
	/* an unwritable folder (meaningless for root, who may write anyway) */
	if (geteuid() != 0) {
		CU_ASSERT_EQUAL_FATAL(chmod(cachedir, 0555), 0);
		g = load_from(versions);
		CU_ASSERT_EQUAL(rt_graph_count(g), 3);
		rt_graph_free(g);
		CU_ASSERT_FALSE(exists(cachefile));
		CU_ASSERT_EQUAL(chmod(cachedir, 0755), 0);
	}
	/* no cache folder at all and no place for one: loads without */
	unsetenv("XDG_CACHE_HOME");
	{
		char *home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
		unsetenv("HOME");
		g = load_from(versions);
		CU_ASSERT_EQUAL(rt_graph_count(g), 3);
		rt_graph_free(g);
		if (home)
			setenv("HOME", home, 1);
		free(home);
	}
	snprintf(cachedir, strlen(sandbox) + 32, "%s/xdg", sandbox);
	setenv("XDG_CACHE_HOME", cachedir, 1);
	snprintf(cachedir, strlen(sandbox) + 32, "%s/xdg/retort", sandbox);
}

/*
 * Nothing is written into the versions folder (the cache once was, and
 * landed in users' commits): only the scripts are there after a load.
 */
static void test_cache__versions_folder_untouched(void)
{
	rt_graph *g;
	DIR *d;
	struct dirent *e;
	int others = 0;
	char other[256] = "";
	setup_once();
	unlink(cachefile);
	g = load_from(versions);
	rt_graph_free(g);
	g = load_from(versions);
	rt_graph_free(g);
	CU_ASSERT_TRUE(exists(cachefile));
	CU_ASSERT_EQUAL(strncmp(cachefile, cachedir, strlen(cachedir)), 0);
	d = opendir(versions);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && !strstr(e->d_name, "_x.conf")) {
			others++;
			snprintf(other, sizeof other, "%s", e->d_name);
		}
	closedir(d);
	if (others)
		fprintf(stderr, "\n  unexpected file in the versions folder: %s\n", other);
	CU_ASSERT_EQUAL(others, 0);
}

/* Two folders of the same name have two cache files. */
static void test_cache__one_file_per_folder(void)
{
	char a[4096], b[4096];
	setup_once();
	CU_ASSERT_TRUE_FATAL(rt_cache_path(a, sizeof a, "/x/versions/"));
	CU_ASSERT_TRUE_FATAL(rt_cache_path(b, sizeof b, "/y/versions"));
	CU_ASSERT_STRING_NOT_EQUAL(a, b);
	CU_ASSERT_EQUAL(strncmp(a, cachedir, strlen(cachedir)), 0);
	CU_ASSERT_EQUAL(strncmp(strrchr(a, '/') + 1, "versions-", 9), 0);
	CU_ASSERT_EQUAL(strlen(strrchr(a, '/') + 1), 9 + 16);
	CU_ASSERT_FALSE(rt_cache_path(a, sizeof a, "relative/versions"));
}

static void test_cache__disabled_by_environment(void)
{
	rt_graph *g;
	setup_once();
	unlink(cachefile);
	setenv("RETORT_NO_CACHE", "1", 1);
	g = load_from(versions);
	CU_ASSERT_EQUAL(rt_graph_count(g), 3);
	rt_graph_free(g);
	CU_ASSERT_FALSE(exists(cachefile));
	unsetenv("RETORT_NO_CACHE");
}

/* The revisions of g in load order: file names in strcmp order, ids as written. */
static void check_big(rt_graph *g, size_t changed, const char *msg)
{
	size_t i, k;
	CU_ASSERT_EQUAL_FATAL(rt_graph_count(g), NBIG);
	for (i = 0; i < NBIG; i++) {
		rt_revision *r = rt_graph_at(g, i);
		CU_ASSERT_PTR_NOT_NULL_FATAL(r);
		if (i > 0)
			CU_ASSERT_TRUE(strcmp(rt_graph_at(g, i - 1)->filename, r->filename) < 0);
		for (k = 0; k < NBIG && strcmp(bigname[k], r->filename); k++)
			;
		CU_ASSERT_FATAL(k < NBIG);
		CU_ASSERT_STRING_EQUAL(r->message, k == changed ? msg : "big");
		CU_ASSERT_EQUAL(strtoul(r->id + 3, NULL, 10), k);
		CU_ASSERT_STRING_EQUAL(r->path + strlen(bigdir) + 1, bigname[k]);
	}
}

/* Load the large folder and check it (check_big), then free it. */
static void load_and_check_big(size_t changed, const char *msg)
{
	rt_graph *g = load_from(bigdir);
	check_big(g, changed, msg);
	rt_graph_free(g);
}

static void test_cache__large_folder(void)
{
	rt_graph *g;
	char path[512];
	size_t last;
	setup_once();
	/* without the cache, then writing it, then through it (both threads) */
	setenv("RETORT_NO_CACHE", "1", 1);
	load_and_check_big(NBIG, NULL);
	unsetenv("RETORT_NO_CACHE");
	load_and_check_big(NBIG, NULL);
	{
		char *f = cache_file_of(bigdir);
		CU_ASSERT_TRUE(exists(f));
		free(f);
	}
	load_and_check_big(NBIG, NULL);
	/* the same on one thread */
	setenv("RETORT_NO_THREADS", "1", 1);
	load_and_check_big(NBIG, NULL);
	unsetenv("RETORT_NO_THREADS");
	/* a script changed in place (same size) late in the order: read again */
	g = load_from(bigdir);
	last = (size_t)(strtoul(rt_graph_at(g, NBIG - 2)->id + 3, NULL, 10));
	rt_graph_free(g);
	big_script(last, "BIG");
	load_and_check_big(last, "BIG");
	big_script(last, "big");
	load_and_check_big(NBIG, NULL);
}

static const rt_cu_test tests[] = {
	{"written_and_used", test_cache__written_and_used},
	{"changed_file_is_seen", test_cache__changed_file_is_seen},
	{"added_and_removed_files_are_seen", test_cache__added_and_removed_files_are_seen},
	{"corrupt_cache_is_ignored", test_cache__corrupt_cache_is_ignored},
	{"unwritable_cache_does_not_fail", test_cache__unwritable_cache_does_not_fail},
	{"disabled_by_environment", test_cache__disabled_by_environment},
	{"versions_folder_untouched", test_cache__versions_folder_untouched},
	{"one_file_per_folder", test_cache__one_file_per_folder},
	{"large_folder", test_cache__large_folder},
	{NULL, NULL}};

static const rt_cu_suite suites[] = {{"cache", tests}, {NULL, NULL}};

RT_CU_MAIN(suites)
