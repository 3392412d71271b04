/*
 * test_graph: the revision graph — structure, load-time checks, label
 * propagation, depends_on, history order, ranges, head maintenance,
 * stamp, current display, and performance on 10,000 revisions.
 *
 * Graph shapes follow Alembic's own tests (test_version_traversal.py,
 * test_revision.py): a linear chain, a branch point, a merge point,
 * several bases, labels, depends_on across branches.
 */
#include "config.h"

#include <time.h>

#include "cu.h"
#include "graph.h"
#include "rt.h"
#include "script.h"


/* ---- building graphs in memory ---- */

#include "graphfix.h"

/* The error message from building, or "" when it built. */
static const char *build_err(const char *const *lines)
{
	int rc;
	rt_graph *g = build_rc(lines, &rc);
	if (g) {
		rt_graph_free(g);
		return "";
	}
	CU_ASSERT_EQUAL(rc, RETORT_EINVAL);
	return rt_error_msg();
}

static char sbuf[8192];

static const char *revs_str(rt_revision **v, size_t n)
{
	size_t i;
	sbuf[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i)
			strcat(sbuf, " ");
		strcat(sbuf, v[i]->id);
	}
	return sbuf;
}

static const char *strv_str(const rt_strv *sv)
{
	size_t i;
	sbuf[0] = '\0';
	for (i = 0; i < sv->n; i++) {
		if (i)
			strcat(sbuf, " ");
		strcat(sbuf, sv->v[i]);
	}
	return sbuf;
}

static void set_strv(rt_strv *sv, const char *ids)
{
	rt_strv_free(sv);
	split_push(sv, ids);
}

static const char *heads_str(rt_graph *g, int real)
{
	rt_revision **v = NULL;
	size_t n = 0;
	CU_ASSERT_EQUAL(rt_graph_heads(g, real, &v, &n), 0);
	revs_str(v, n);
	rt_free(v);
	return sbuf;
}

static const char *history_str(rt_graph *g, const char *range, const char *current)
{
	rt_revision **v = NULL;
	size_t n = 0;
	rt_strv cur = RT_STRV_INIT;
	int rc;
	set_strv(&cur, current);
	rc = rt_graph_history(g, range, &cur, &v, &n);
	rt_strv_free(&cur);
	if (rc != 0) {
		snprintf(sbuf, sizeof sbuf, "ERR %s", rt_error_msg());
		return sbuf;
	}
	revs_str(v, n);
	rt_free(v);
	return sbuf;
}

static const char *labels_of(rt_graph *g, const char *id)
{
	return strv_str(rt_graph_labels(g, rt_graph_get(g, id)));
}

/* ---- shapes ---- */

static const char *const LINEAR[] = {"aaa1", "bbb2|aaa1", "ccc3|bbb2", "ddd4|ccc3", "eee5|ddd4", NULL};

/* Alembic's observed branch: heads ccc3 and ddd4 over bbb2 */
static const char *const BRANCHED[] = {"aaa1", "bbb2|aaa1", "ccc3|bbb2", "ddd4|bbb2", NULL};

/* branch point b, merge point m */
static const char *const MERGED[] = {"a",       "b|a",  "c1|b|c1lib", "c2|b", "d1|c1",
                                     "d2|c2", "m|d1 d2", "f|m",       NULL};

/* two labelled branches over a shared trunk */
static const char *const LABELED[] = {"r1",    "r2|r1", "s1|r2|shop", "s2|s1", "s3|s2",
                                      "t1|r2|bill", "t2|t1", NULL};

/* b2 depends on the head of the other base's line: a3 is an effective head */
static const char *const DEPS[] = {"a1", "a2|a1", "a3|a2", "b1", "b2|b1||a3", "b3|b2", NULL};

/* ---- structure ---- */

static void test_graph__linear_structure(void)
{
	rt_graph *g = build(LINEAR);
	rt_revision *const *kids;
	if (!g)
		return;
	CU_ASSERT_EQUAL(rt_graph_count(g), 5);
	CU_ASSERT_STRING_EQUAL(rt_graph_at(g, 2)->id, "ccc3");
	CU_ASSERT_PTR_NULL(rt_graph_at(g, 5));
	CU_ASSERT_PTR_NULL(rt_graph_get(g, "ccc"));
	CU_ASSERT_STRING_EQUAL(heads_str(g, 0), "eee5");
	CU_ASSERT_STRING_EQUAL(heads_str(g, 1), "eee5");
	CU_ASSERT_TRUE(rt_graph_is_base(g, rt_graph_get(g, "aaa1")));
	CU_ASSERT_FALSE(rt_graph_is_base(g, rt_graph_get(g, "bbb2")));
	CU_ASSERT_EQUAL(rt_graph_children(g, rt_graph_get(g, "bbb2"), &kids), 1);
	CU_ASSERT_STRING_EQUAL(kids[0]->id, "ccc3");
	CU_ASSERT_EQUAL(rt_graph_children(g, rt_graph_get(g, "eee5"), &kids), 0);
	CU_ASSERT_TRUE(rt_graph_is_ancestor(g, rt_graph_get(g, "aaa1"), rt_graph_get(g, "eee5")));
	CU_ASSERT_FALSE(rt_graph_is_ancestor(g, rt_graph_get(g, "eee5"), rt_graph_get(g, "aaa1")));
	CU_ASSERT_FALSE(rt_graph_is_ancestor(g, rt_graph_get(g, "ccc3"), rt_graph_get(g, "ccc3")));
	rt_graph_free(g);
}

static void test_graph__branch_and_merge_points(void)
{
	rt_graph *g = build(MERGED);
	rt_revision **bp = NULL;
	rt_revision *const *kids;
	size_t n = 0;
	if (!g)
		return;
	CU_ASSERT_TRUE(rt_graph_is_branch_point(g, rt_graph_get(g, "b")));
	CU_ASSERT_FALSE(rt_graph_is_branch_point(g, rt_graph_get(g, "c1")));
	CU_ASSERT_TRUE(rt_graph_is_merge_point(g, rt_graph_get(g, "m")));
	CU_ASSERT_FALSE(rt_graph_is_merge_point(g, rt_graph_get(g, "f")));
	CU_ASSERT_EQUAL(rt_graph_children(g, rt_graph_get(g, "b"), &kids), 2);
	CU_ASSERT_STRING_EQUAL(kids[0]->id, "c1");
	CU_ASSERT_STRING_EQUAL(kids[1]->id, "c2");
	CU_ASSERT_STRING_EQUAL(heads_str(g, 0), "f");
	CU_ASSERT_EQUAL(rt_graph_branch_points(g, &bp, &n), 0);
	CU_ASSERT_STRING_EQUAL(revs_str(bp, n), "b");
	rt_free(bp);
	rt_graph_free(g);

	g = build(BRANCHED);
	if (!g)
		return;
	CU_ASSERT_STRING_EQUAL(heads_str(g, 0), "ccc3 ddd4");
	CU_ASSERT_EQUAL(rt_graph_branch_points(g, &bp, &n), 0);
	CU_ASSERT_STRING_EQUAL(revs_str(bp, n), "bbb2");
	rt_free(bp);
	rt_graph_free(g);
}

static void test_graph__branch_points_newest_first(void)
{
	static const char *const G[] = {"a", "b|a", "x|a", "c|b", "d|b", NULL};
	rt_graph *g = build(G);
	rt_revision **bp = NULL;
	size_t n = 0;
	if (!g)
		return;
	CU_ASSERT_EQUAL(rt_graph_branch_points(g, &bp, &n), 0);
	CU_ASSERT_STRING_EQUAL(revs_str(bp, n), "b a");
	rt_free(bp);
	rt_graph_free(g);
}

static void test_graph__multiple_bases(void)
{
	static const char *const G[] = {"x1", "x2|x1", "y1", "y2|y1", NULL};
	rt_graph *g = build(G);
	if (!g)
		return;
	CU_ASSERT_TRUE(rt_graph_is_base(g, rt_graph_get(g, "x1")));
	CU_ASSERT_TRUE(rt_graph_is_base(g, rt_graph_get(g, "y1")));
	CU_ASSERT_STRING_EQUAL(heads_str(g, 0), "x2 y2");
	CU_ASSERT_STRING_EQUAL(history_str(g, NULL, ""), "x2 x1 y2 y1");
	rt_graph_free(g);
}

static void test_graph__labels_propagate_along_line(void)
{
	rt_graph *g = build(LABELED);
	if (!g)
		return;
	CU_ASSERT_STRING_EQUAL(labels_of(g, "s1"), "shop");
	CU_ASSERT_STRING_EQUAL(labels_of(g, "s2"), "shop");
	CU_ASSERT_STRING_EQUAL(labels_of(g, "s3"), "shop");
	CU_ASSERT_STRING_EQUAL(labels_of(g, "t2"), "bill");
	/* r2 is a branch point: labels stop there */
	CU_ASSERT_STRING_EQUAL(labels_of(g, "r2"), "");
	CU_ASSERT_STRING_EQUAL(labels_of(g, "r1"), "");
	CU_ASSERT_STRING_EQUAL(rt_graph_label_rev(g, "shop")->id, "s1");
	CU_ASSERT_PTR_NULL(rt_graph_label_rev(g, "nope"));
	rt_graph_free(g);
}

static void test_graph__labels_propagate_down_to_base(void)
{
	/* Alembic: label on f (chain a->b->c->f) also labels a, b, c */
	static const char *const G[] = {"a", "b|a", "c|b", "f|c|lbl", NULL};
	rt_graph *g = build(G);
	if (!g)
		return;
	CU_ASSERT_STRING_EQUAL(labels_of(g, "a"), "lbl");
	CU_ASSERT_STRING_EQUAL(labels_of(g, "c"), "lbl");
	CU_ASSERT_STRING_EQUAL(labels_of(g, "f"), "lbl");
	rt_graph_free(g);
}

static void test_graph__labels_stop_at_merge_point(void)
{
	rt_graph *g = build(MERGED);
	if (!g)
		return;
	CU_ASSERT_STRING_EQUAL(labels_of(g, "c1"), "c1lib");
	CU_ASSERT_STRING_EQUAL(labels_of(g, "d1"), "c1lib");
	/* descendants through down_revision carry it, as in Alembic */
	CU_ASSERT_STRING_EQUAL(labels_of(g, "m"), "c1lib");
	CU_ASSERT_STRING_EQUAL(labels_of(g, "f"), "c1lib");
	CU_ASSERT_STRING_EQUAL(labels_of(g, "c2"), "");
	CU_ASSERT_STRING_EQUAL(labels_of(g, "b"), "");
	rt_graph_free(g);
}

static void test_graph__depends_on_effective_head(void)
{
	rt_graph *g = build(DEPS);
	rt_revision *const *deps;
	if (!g)
		return;
	CU_ASSERT_STRING_EQUAL(heads_str(g, 0), "a3 b3");
	CU_ASSERT_STRING_EQUAL(heads_str(g, 1), "b3");
	CU_ASSERT_TRUE(rt_graph_is_effective_head(g, rt_graph_get(g, "a3")));
	CU_ASSERT_FALSE(rt_graph_is_real_head(g, rt_graph_get(g, "a3")));
	CU_ASSERT_TRUE(rt_graph_is_real_head(g, rt_graph_get(g, "b3")));
	CU_ASSERT_FALSE(rt_graph_is_effective_head(g, rt_graph_get(g, "b3")));
	CU_ASSERT_EQUAL(rt_graph_dependencies(g, rt_graph_get(g, "b2"), &deps), 1);
	CU_ASSERT_STRING_EQUAL(deps[0]->id, "a3");
	CU_ASSERT_EQUAL(rt_graph_dependents(g, rt_graph_get(g, "a3"), &deps), 1);
	CU_ASSERT_STRING_EQUAL(deps[0]->id, "b2");
	CU_ASSERT_TRUE(rt_graph_is_ancestor(g, rt_graph_get(g, "a1"), rt_graph_get(g, "b3")));
	CU_ASSERT_FALSE(rt_graph_is_ancestor(g, rt_graph_get(g, "b1"), rt_graph_get(g, "a3")));
	rt_graph_free(g);
}

static void test_graph__depends_on_label_and_prefix(void)
{
	static const char *const G[] = {"a1aa|||",     "a2bb|a1aa|alib|", "b1cc",
	                                "b2dd|b1cc||alib", "b3ee|b2dd||a1", NULL};
	rt_graph *g = build(G);
	rt_revision *const *deps;
	if (!g)
		return;
	/* a label names the revision that declares it */
	CU_ASSERT_EQUAL(rt_graph_dependencies(g, rt_graph_get(g, "b2dd"), &deps), 1);
	CU_ASSERT_STRING_EQUAL(deps[0]->id, "a2bb");
	/* a unique prefix */
	CU_ASSERT_EQUAL(rt_graph_dependencies(g, rt_graph_get(g, "b3ee"), &deps), 1);
	CU_ASSERT_STRING_EQUAL(deps[0]->id, "a1aa");
	rt_graph_free(g);
}

/* ---- load-time errors ---- */

static void test_graph__rejects_duplicate_id(void)
{
	static const char *const G[] = {"a", "b|a", "a", NULL};
	CU_ASSERT_STRING_EQUAL(build_err(G), "duplicate revision id 'a': versions/a.conf and versions/a.conf");
}

static void test_graph__duplicate_id_names_both_files(void)
{
	rt_graph *g = NULL;
	rt_revision *r1 = mkrev("abc"), *r2 = mkdraft("abc");
	rt_free(r2->path);
	r2->path = rt_strdup("other/abc_copy.sql");
	r2->filename = strrchr(r2->path, '/') + 1;
	r2 = rt_revision_pack(r2);
	CU_ASSERT_EQUAL(rt_graph_new(&g), 0);
	CU_ASSERT_EQUAL(rt_graph_add(g, r1), 0);
	CU_ASSERT_EQUAL(rt_graph_add(g, r2), RETORT_EINVAL);
	CU_ASSERT_STRING_EQUAL(rt_error_msg(), "duplicate revision id 'abc': versions/abc.conf and other/abc_copy.sql");
	CU_ASSERT_EQUAL(rt_graph_count(g), 1);
	rt_graph_free(g);
}

static void test_graph__rejects_missing_parent(void)
{
	static const char *const G[] = {"a", "b|zzz", NULL};
	CU_ASSERT_STRING_EQUAL(build_err(G),
	                       "versions/b.conf: revision b names down_revision 'zzz', which no script defines");
}

static void test_graph__rejects_missing_dependency(void)
{
	static const char *const G[] = {"a", "b|a||nothere", NULL};
	CU_ASSERT_STRING_EQUAL(build_err(G),
	                       "versions/b.conf: revision b depends_on 'nothere', which is no revision or branch label");
}

static void test_graph__rejects_ambiguous_dependency_prefix(void)
{
	static const char *const G[] = {"ab11", "ab22", "c|||ab", NULL};
	CU_ASSERT_STRING_EQUAL(build_err(G),
	                       "versions/c.conf: revision c depends_on 'ab', which is ambiguous: 'ab11', 'ab22'");
}

static void test_graph__rejects_cycle(void)
{
	static const char *const G[] = {"a", "b|a d", "c|b", "d|c", "e|d", NULL};
	CU_ASSERT_STRING_EQUAL(build_err(G), "Cycle is detected in revisions (b, c, d): versions/b.conf, "
	                                     "versions/c.conf, versions/d.conf");
}

static void test_graph__rejects_cycle_without_base(void)
{
	static const char *const G[] = {"a|b", "b|a", NULL};
	CU_ASSERT_STRING_EQUAL(build_err(G), "Cycle is detected in revisions (a, b): versions/a.conf, versions/b.conf");
}

static void test_graph__rejects_dependency_cycle(void)
{
	static const char *const G[] = {"a||", "b|a||d", "c", "d|c||b", NULL};
	CU_ASSERT_STRING_EQUAL(build_err(G), "Dependency cycle is detected in revisions (b, d): versions/b.conf, "
	                                     "versions/d.conf");
}

/*
 * depends_on naming the revision's own down_revision is no cycle (Alembic
 * loads it, its issue #843): the edge counts once.
 */
static void test_graph__depends_on_own_parent(void)
{
	static const char *const G[] = {"a", "b|a||a", "c|b", "m|b c||b c", NULL};
	rt_graph *g = build(G);
	rt_revision *const *v;
	if (!g)
		return;
	CU_ASSERT_STRING_EQUAL(heads_str(g, 1), "m");
	CU_ASSERT_EQUAL(rt_graph_dependents(g, rt_graph_get(g, "a"), &v), 0);
	CU_ASSERT_EQUAL(rt_graph_dependencies(g, rt_graph_get(g, "b"), &v), 1);
	CU_ASSERT_STRING_EQUAL(history_str(g, NULL, ""), "m c b a");
	CU_ASSERT_EQUAL(rt_graph_is_ancestor(g, rt_graph_get(g, "a"), rt_graph_get(g, "m")), 1);
	rt_graph_free(g);
}

/* A real cycle through such an edge still names its revisions. */
static void test_graph__cycle_through_parent_dependency_names_revisions(void)
{
	static const char *const G[] = {"a|c||c", "b|a||a", "c|b", NULL};
	static const char *const D[] = {"a||", "b|a||a c", "c|b", NULL};
	CU_ASSERT_STRING_EQUAL(build_err(G), "Cycle is detected in revisions (a, b, c): versions/a.conf, "
	                                     "versions/b.conf, versions/c.conf");
	CU_ASSERT_STRING_EQUAL(build_err(D), "Dependency cycle is detected in revisions (b, c): versions/b.conf, "
	                                     "versions/c.conf");
}

static void test_graph__rejects_self_loop(void)
{
	static const char *const G[] = {"a", "b|a b", NULL};
	static const char *const D[] = {"a", "b|a||b", NULL};
	CU_ASSERT_STRING_EQUAL(build_err(G),
	                       "Self-loop is detected in revisions (b): versions/b.conf names itself as down_revision");
	CU_ASSERT_STRING_EQUAL(build_err(D), "Dependency self-loop is detected in revisions (b): versions/b.conf names "
	                                     "itself in depends_on");
}

static void test_graph__rejects_label_used_twice(void)
{
	static const char *const G[] = {"a|||", "b|a|lbl|", "c|a|lbl|", NULL};
	static const char *const I[] = {"a|||", "b|a|a|", NULL};
	CU_ASSERT_STRING_EQUAL(build_err(G),
	                       "Branch name 'lbl' in revision c (versions/c.conf) already used by revision b "
	                       "(versions/b.conf)");
	CU_ASSERT_STRING_EQUAL(build_err(I),
	                       "Branch name 'a' in revision b (versions/b.conf) already used by revision a "
	                       "(versions/a.conf)");
}

static void test_graph__rejects_reserved_label_and_bad_id(void)
{
	static const char *const L[] = {"a|||", "b|a|heads|", NULL};
	static const char *const B[] = {"a-1", NULL};
	static const char *const E[] = {"", NULL};
	CU_ASSERT_STRING_EQUAL(build_err(L),
	                       "versions/b.conf: branch label 'heads' of revision b is not allowed (a reserved word)");
	CU_ASSERT_STRING_EQUAL(build_err(B), "versions/a-1.conf: revision id 'a-1' contains one of the characters "
	                                     "'@', '-', '+', ':', which targets reserve");
	CU_ASSERT_STRING_EQUAL(build_err(E), "versions/.conf: no revision id");
}

static void test_graph__rejects_duplicate_parent(void)
{
	static const char *const G[] = {"a", "b|a a", NULL};
	CU_ASSERT_STRING_EQUAL(build_err(G), "versions/b.conf: revision b names down_revision 'a' twice");
}

static void test_graph__empty_graph(void)
{
	static const char *const G[] = {NULL};
	rt_graph *g = build(G);
	rt_plan p;
	rt_strv cur = RT_STRV_INIT;
	if (!g)
		return;
	CU_ASSERT_STRING_EQUAL(heads_str(g, 0), "");
	CU_ASSERT_STRING_EQUAL(history_str(g, NULL, ""), "");
	CU_ASSERT_EQUAL(rt_graph_plan_upgrade(g, &cur, "heads", &p), 0);
	CU_ASSERT_EQUAL(p.n, 0);
	rt_plan_free(&p);
	CU_ASSERT_EQUAL(rt_graph_plan_upgrade(g, &cur, "head", &p), 0);
	CU_ASSERT_EQUAL(p.n, 0);
	rt_plan_free(&p);
	rt_graph_free(g);
}

/* ---- history and ranges ---- */

static void test_graph__history_linear(void)
{
	rt_graph *g = build(LINEAR);
	if (!g)
		return;
	CU_ASSERT_STRING_EQUAL(history_str(g, NULL, ""), "eee5 ddd4 ccc3 bbb2 aaa1");
	CU_ASSERT_STRING_EQUAL(history_str(g, "bbb2:ddd4", ""), "ddd4 ccc3 bbb2");
	CU_ASSERT_STRING_EQUAL(history_str(g, "ccc3:", ""), "eee5 ddd4 ccc3");
	CU_ASSERT_STRING_EQUAL(history_str(g, ":bbb2", ""), "bbb2 aaa1");
	CU_ASSERT_STRING_EQUAL(history_str(g, "-2:", ""), "eee5 ddd4 ccc3");
	CU_ASSERT_STRING_EQUAL(history_str(g, "-1:ccc3", ""), "ccc3 bbb2");
	/* too large a relative start stops at base (Alembic's test_history_too_large_relative_to_num) */
	CU_ASSERT_STRING_EQUAL(history_str(g, "-9:ccc3", ""), "ccc3 bbb2 aaa1");
	CU_ASSERT_STRING_EQUAL(history_str(g, "bbb2:+2", ""), "ddd4 ccc3 bbb2");
	CU_ASSERT_STRING_EQUAL(history_str(g, "ccc3:+9", ""), "eee5 ddd4 ccc3");
	CU_ASSERT_STRING_EQUAL(history_str(g, "current:", "ccc3"), "eee5 ddd4 ccc3");
	CU_ASSERT_STRING_EQUAL(history_str(g, ":current", "ccc3"), "ccc3 bbb2 aaa1");
	CU_ASSERT_STRING_EQUAL(history_str(g, "-1:current", "ccc3"), "ccc3 bbb2");
	CU_ASSERT_STRING_EQUAL(history_str(g, "current:", ""), "eee5 ddd4 ccc3 bbb2 aaa1");
	CU_ASSERT_STRING_EQUAL(history_str(g, ":current", ""), "");
	CU_ASSERT_STRING_EQUAL(history_str(g, "bb:dd", ""), "ddd4 ccc3 bbb2");
	CU_ASSERT_STRING_EQUAL(history_str(g, "ddd4:bbb2", ""),
	                       "ERR Requested range ddd4:bbb2 does not refer to ancestor/descendant revisions along "
	                       "the same branch");
	CU_ASSERT_STRING_EQUAL(history_str(g, "bbb2", ""),
	                       "ERR History range requires [start]:[end], [start]:, or :[end] (got 'bbb2')");
	CU_ASSERT_STRING_EQUAL(history_str(g, ":zzzz", ""), "ERR No such revision or branch 'zzzz'");
	rt_graph_free(g);
}

static void test_graph__history_merged(void)
{
	rt_graph *g = build(MERGED);
	if (!g)
		return;
	CU_ASSERT_STRING_EQUAL(history_str(g, NULL, ""), "f m d1 c1 d2 c2 b a");
	CU_ASSERT_STRING_EQUAL(history_str(g, "c1:", ""), "f m d1 c1");
	CU_ASSERT_STRING_EQUAL(history_str(g, ":d2", ""), "d2 c2 b a");
	CU_ASSERT_STRING_EQUAL(history_str(g, "b:d1", ""), "d1 c1 b");
	CU_ASSERT_STRING_EQUAL(history_str(g, "c2:+2", ""), "m d2 c2");
	CU_ASSERT_STRING_EQUAL(history_str(g, "c1:d2", ""),
	                       "ERR Requested range c1:d2 does not refer to ancestor/descendant revisions along the "
	                       "same branch");
	CU_ASSERT_STRING_EQUAL(history_str(g, "c1lib@base:c1lib@head", ""), "f m d1 c1 d2 c2 b a");
	CU_ASSERT_STRING_EQUAL(history_str(g, ":current", "d1 d2"), "d1 c1 d2 c2 b a");
	rt_graph_free(g);
}

static void test_graph__history_branched_and_deps(void)
{
	rt_graph *g = build(BRANCHED);
	if (!g)
		return;
	CU_ASSERT_STRING_EQUAL(history_str(g, NULL, ""), "ccc3 ddd4 bbb2 aaa1");
	CU_ASSERT_STRING_EQUAL(history_str(g, "bbb2:ddd4", ""), "ddd4 bbb2");
	rt_graph_free(g);
	g = build(DEPS);
	if (!g)
		return;
	CU_ASSERT_STRING_EQUAL(history_str(g, NULL, ""), "b3 b2 b1 a3 a2 a1");
	CU_ASSERT_STRING_EQUAL(history_str(g, ":a3", ""), "a3 a2 a1");
	rt_graph_free(g);
}

static void test_graph__range_split(void)
{
	char *f = NULL, *t = NULL;
	CU_ASSERT_EQUAL(rt_range_split("a:b", &f, &t), 0);
	CU_ASSERT_STRING_EQUAL(f, "a");
	CU_ASSERT_STRING_EQUAL(t, "b");
	rt_free(f);
	rt_free(t);
	CU_ASSERT_EQUAL(rt_range_split(":b", &f, &t), 0);
	CU_ASSERT_PTR_NULL(f);
	CU_ASSERT_STRING_EQUAL(t, "b");
	rt_free(t);
	CU_ASSERT_EQUAL(rt_range_split("-2:", &f, &t), 0);
	CU_ASSERT_STRING_EQUAL(f, "-2");
	CU_ASSERT_PTR_NULL(t);
	rt_free(f);
	CU_ASSERT_EQUAL(rt_range_split(":", &f, &t), 0);
	CU_ASSERT_PTR_NULL(f);
	CU_ASSERT_PTR_NULL(t);
	CU_ASSERT_EQUAL(rt_range_split("abc", &f, &t), RETORT_EINVAL);
}

/* ---- current ---- */

static void test_graph__check_current(void)
{
	rt_graph *g = build(MERGED);
	rt_strv cur = RT_STRV_INIT;
	if (!g)
		return;
	set_strv(&cur, "d1 d2");
	CU_ASSERT_EQUAL(rt_graph_check_current(g, &cur), 0);
	set_strv(&cur, "");
	CU_ASSERT_EQUAL(rt_graph_check_current(g, &cur), 0);
	set_strv(&cur, "d1 deadbeef");
	CU_ASSERT_EQUAL(rt_graph_check_current(g, &cur), RETORT_EINVAL);
	CU_ASSERT_STRING_EQUAL(rt_error_msg(), "the version table names revision 'deadbeef', which no script defines");
	set_strv(&cur, "b d1");
	CU_ASSERT_EQUAL(rt_graph_check_current(g, &cur), RETORT_EINVAL);
	CU_ASSERT_STRING_EQUAL(rt_error_msg(),
	                       "the version table holds both 'd1' and its ancestor 'b'; it should hold only heads");
	rt_strv_free(&cur);
	rt_graph_free(g);
}

static void test_graph__current_display_effective_head(void)
{
	rt_graph *g = build(DEPS);
	rt_strv cur = RT_STRV_INIT;
	rt_revision **v = NULL;
	size_t n = 0;
	if (!g)
		return;
	set_strv(&cur, "b3");
	CU_ASSERT_EQUAL(rt_graph_current_display(g, &cur, &v, &n), 0);
	CU_ASSERT_STRING_EQUAL(revs_str(v, n), "b3 a3");
	rt_free(v);
	set_strv(&cur, "a2 b1");
	CU_ASSERT_EQUAL(rt_graph_current_display(g, &cur, &v, &n), 0);
	CU_ASSERT_STRING_EQUAL(revs_str(v, n), "a2 b1");
	rt_free(v);
	set_strv(&cur, "");
	CU_ASSERT_EQUAL(rt_graph_current_display(g, &cur, &v, &n), 0);
	CU_ASSERT_EQUAL(n, 0);
	rt_free(v);
	rt_strv_free(&cur);
	rt_graph_free(g);
}

/* ---- head maintenance ---- */

static char chbuf[2048];

/* Apply one step to `rows`; the changes as "INSERT x; UPDATE a>b; DELETE y". */
static const char *step(rt_graph *g, rt_strv *rows, const char *id, int up)
{
	rt_vt_changes ch = {NULL, 0, 0};
	rt_step s;
	size_t i;
	s.rev = rt_graph_get(g, id);
	s.up = up;
	chbuf[0] = '\0';
	if (!s.rev)
		return "no such revision";
	if (rt_graph_step_heads(g, rows, &s, &ch) != 0) {
		snprintf(chbuf, sizeof chbuf, "ERR %s", rt_error_msg());
		rt_vt_changes_free(&ch);
		return chbuf;
	}
	for (i = 0; i < ch.n; i++) {
		size_t l = strlen(chbuf);
		const rt_vt_change *c = &ch.v[i];
		snprintf(chbuf + l, sizeof chbuf - l, "%s%s", i ? "; " : "",
		         c->kind == RT_VT_INSERT ? "INSERT " : c->kind == RT_VT_UPDATE ? "UPDATE " : "DELETE ");
		l = strlen(chbuf);
		if (c->kind == RT_VT_INSERT)
			snprintf(chbuf + l, sizeof chbuf - l, "%s", c->to);
		else if (c->kind == RT_VT_DELETE)
			snprintf(chbuf + l, sizeof chbuf - l, "%s", c->from);
		else
			snprintf(chbuf + l, sizeof chbuf - l, "%s>%s", c->from, c->to);
	}
	rt_vt_changes_free(&ch);
	return chbuf;
}

static void test_graph__step_heads_linear(void)
{
	rt_graph *g = build(LINEAR);
	rt_strv rows = RT_STRV_INIT;
	if (!g)
		return;
	CU_ASSERT_STRING_EQUAL(step(g, &rows, "aaa1", 1), "INSERT aaa1");       /* create branch (base) */
	CU_ASSERT_STRING_EQUAL(step(g, &rows, "bbb2", 1), "UPDATE aaa1>bbb2");  /* update */
	CU_ASSERT_STRING_EQUAL(strv_str(&rows), "bbb2");
	CU_ASSERT_STRING_EQUAL(step(g, &rows, "bbb2", 0), "UPDATE bbb2>aaa1");
	CU_ASSERT_STRING_EQUAL(step(g, &rows, "aaa1", 0), "DELETE aaa1");       /* delete branch (base) */
	CU_ASSERT_EQUAL(rows.n, 0);
	CU_ASSERT_STRING_EQUAL(step(g, &rows, "ccc3", 0), "ERR revision ccc3 is not in the version table");
	rt_strv_free(&rows);
	rt_graph_free(g);
}

static void test_graph__step_heads_branch_merge_unmerge(void)
{
	rt_graph *g = build(MERGED);
	rt_strv rows = RT_STRV_INIT;
	if (!g)
		return;
	set_strv(&rows, "d1");
	/* second child of a branch point: create branch */
	CU_ASSERT_STRING_EQUAL(step(g, &rows, "c2", 1), "INSERT c2");
	CU_ASSERT_STRING_EQUAL(step(g, &rows, "d2", 1), "UPDATE c2>d2");
	CU_ASSERT_STRING_EQUAL(strv_str(&rows), "d1 d2");
	/* merge: delete all but one, update the last */
	CU_ASSERT_STRING_EQUAL(step(g, &rows, "m", 1), "DELETE d1; UPDATE d2>m");
	CU_ASSERT_STRING_EQUAL(strv_str(&rows), "m");
	/* unmerge: insert the extra parent, update self to the other */
	CU_ASSERT_STRING_EQUAL(step(g, &rows, "m", 0), "INSERT d1; UPDATE m>d2");
	CU_ASSERT_STRING_EQUAL(strv_str(&rows), "d2 d1");
	CU_ASSERT_STRING_EQUAL(step(g, &rows, "d1", 0), "UPDATE d1>c1");
	/* b stays implied by d2: delete branch */
	CU_ASSERT_STRING_EQUAL(step(g, &rows, "c1", 0), "DELETE c1");
	CU_ASSERT_STRING_EQUAL(strv_str(&rows), "d2");
	CU_ASSERT_STRING_EQUAL(step(g, &rows, "d2", 0), "UPDATE d2>c2");
	CU_ASSERT_STRING_EQUAL(step(g, &rows, "c2", 0), "UPDATE c2>b");
	CU_ASSERT_STRING_EQUAL(strv_str(&rows), "b");
	rt_strv_free(&rows);
	rt_graph_free(g);
}

static void test_graph__step_heads_unmerge_skips_implied_parent(void)
{
	/* m merges b1 and b2; x, above b2, stays applied */
	static const char *const G[] = {"a", "b1|a", "b2|a", "m|b1 b2", "x|b2", NULL};
	rt_graph *g = build(G);
	rt_strv rows = RT_STRV_INIT;
	if (!g)
		return;
	set_strv(&rows, "m x");
	/* b2 is implied by x: only b1 comes back (Alembic #1373) */
	CU_ASSERT_STRING_EQUAL(step(g, &rows, "m", 0), "UPDATE m>b1");
	CU_ASSERT_STRING_EQUAL(strv_str(&rows), "b1 x");
	rt_strv_free(&rows);
	rt_graph_free(g);
}

static void test_graph__step_heads_unmerge_redundant_parent(void)
{
	/* m names both b and its ancestor a; another row (x) is left: only b comes back */
	static const char *const G[] = {"a", "b|a", "m|a b", "x", NULL};
	rt_graph *g = build(G);
	rt_strv rows = RT_STRV_INIT;
	if (!g)
		return;
	set_strv(&rows, "m x");
	CU_ASSERT_STRING_EQUAL(step(g, &rows, "m", 0), "UPDATE m>b");
	CU_ASSERT_STRING_EQUAL(strv_str(&rows), "b x");
	CU_ASSERT_EQUAL(rt_graph_check_current(g, &rows), 0);
	rt_strv_free(&rows);
	rt_graph_free(g);
}

static void test_graph__step_heads_depends_on(void)
{
	rt_graph *g = build(DEPS);
	rt_strv rows = RT_STRV_INIT;
	if (!g)
		return;
	set_strv(&rows, "a3 b1");
	/* b2's down revisions (b1 and its dependency a3) are both rows: merge */
	CU_ASSERT_STRING_EQUAL(step(g, &rows, "b2", 1), "DELETE b1; UPDATE a3>b2");
	CU_ASSERT_STRING_EQUAL(strv_str(&rows), "b2");
	CU_ASSERT_STRING_EQUAL(step(g, &rows, "b2", 0), "INSERT b1; UPDATE b2>a3");
	CU_ASSERT_STRING_EQUAL(strv_str(&rows), "a3 b1");
	CU_ASSERT_STRING_EQUAL(step(g, &rows, "b1", 0), "DELETE b1");
	set_strv(&rows, "a3");
	/* b1 not applied, a3 is: b2 replaces a3 */
	CU_ASSERT_STRING_EQUAL(step(g, &rows, "b2", 1), "UPDATE a3>b2");
	rt_strv_free(&rows);
	rt_graph_free(g);
}

static void test_graph__vt_changes_diff(void)
{
	rt_strv a = RT_STRV_INIT, b = RT_STRV_INIT;
	rt_vt_changes ch = {NULL, 0, 0};
	set_strv(&a, "x y z");
	set_strv(&b, "y w");
	CU_ASSERT_EQUAL(rt_vt_changes_diff(&ch, &a, &b), 0);
	CU_ASSERT_EQUAL(ch.n, 2);
	if (ch.n == 2) {
		CU_ASSERT_EQUAL(ch.v[0].kind, RT_VT_UPDATE);
		CU_ASSERT_STRING_EQUAL(ch.v[0].from, "x");
		CU_ASSERT_STRING_EQUAL(ch.v[0].to, "w");
		CU_ASSERT_EQUAL(ch.v[1].kind, RT_VT_DELETE);
		CU_ASSERT_STRING_EQUAL(ch.v[1].from, "z");
	}
	rt_vt_changes_free(&ch);
	set_strv(&a, "");
	CU_ASSERT_EQUAL(rt_vt_changes_diff(&ch, &a, &b), 0);
	CU_ASSERT_EQUAL(ch.n, 2);
	CU_ASSERT_EQUAL(ch.v[0].kind, RT_VT_INSERT);
	CU_ASSERT_STRING_EQUAL(ch.v[0].to, "y");
	rt_vt_changes_free(&ch);
	rt_strv_free(&a);
	rt_strv_free(&b);
}

/* ---- property checks over a generated graph ---- */

static unsigned long lcg = 12345;

static unsigned rnd(unsigned n)
{
	lcg = lcg * 1103515245UL + 12345UL;
	return (unsigned)((lcg >> 16) % n);
}

static size_t pos_of(rt_revision **v, size_t n, const rt_revision *r)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (v[i] == r)
			return i;
	return (size_t)-1;
}

static void test_graph__generated_graph_properties(void)
{
	enum { N = 300 };
	char *lines[N + 1];
	rt_graph *g;
	rt_revision **hist = NULL, **heads = NULL;
	size_t nh = 0, nheads = 0, i, k;
	rt_plan up, down;
	rt_strv rows = RT_STRV_INIT;
	int ok = 1;
	for (i = 0; i < N; i++) {
		char par[64] = "", dep[64] = "";
		if (i > 0 && rnd(10) != 0) {
			unsigned p1 = (unsigned)i - 1 - rnd(i < 8 ? (unsigned)i : 8);
			snprintf(par, sizeof par, "r%03u", p1);
			if (rnd(8) == 0 && i > 2) {
				unsigned p2 = rnd((unsigned)i);
				if (p2 != p1)
					snprintf(par + strlen(par), sizeof par - strlen(par), " r%03u", p2);
			}
		}
		if (i > 3 && rnd(12) == 0)
			snprintf(dep, sizeof dep, "r%03u", rnd((unsigned)i));
		lines[i] = rt_asprintf("r%03zu|%s||%s", i, par, dep);
	}
	lines[N] = NULL;
	g = build((const char *const *)lines);
	for (i = 0; i < N; i++)
		rt_free(lines[i]);
	if (!g)
		return;
	/* history: every revision above all its parents and dependencies */
	CU_ASSERT_EQUAL(rt_graph_history(g, NULL, NULL, &hist, &nh), 0);
	CU_ASSERT_EQUAL(nh, N);
	CU_ASSERT_EQUAL(rt_graph_plan_upgrade(g, &rows, "heads", &up), 0);
	CU_ASSERT_EQUAL(up.n, N);
	for (i = 0; i < nh; i++) {
		rt_revision *r = hist[i];
		rt_revision *const *d;
		size_t nd = rt_graph_dependencies(g, r, &d);
		size_t pu = (size_t)-1;
		for (k = 0; k < up.n; k++)
			if (up.steps[k].rev == r)
				pu = k;
		for (k = 0; k < r->parents.n; k++) {
			rt_revision *p = rt_graph_get(g, r->parents.v[k]);
			if (pos_of(hist, nh, p) <= i)
				ok = 0;
			for (size_t j = 0; j < up.n; j++)
				if (up.steps[j].rev == p && j >= pu)
					ok = 0;
		}
		for (k = 0; k < nd; k++)
			if (pos_of(hist, nh, d[k]) <= i)
				ok = 0;
	}
	CU_ASSERT_TRUE(ok);
	/* applying the whole upgrade leaves exactly the real heads */
	for (i = 0; i < up.n && ok; i++) {
		rt_vt_changes ch = {NULL, 0, 0};
		if (rt_graph_step_heads(g, &rows, &up.steps[i], &ch) != 0) {
			fprintf(stderr, "step %s: %s\n", up.steps[i].rev->id, rt_error_msg());
			ok = 0;
		}
		rt_vt_changes_free(&ch);
	}
	CU_ASSERT_TRUE(ok);
	CU_ASSERT_EQUAL(rt_graph_heads(g, 1, &heads, &nheads), 0);
	CU_ASSERT_EQUAL(rows.n, nheads);
	for (i = 0; i < nheads; i++)
		CU_ASSERT_TRUE(rt_strv_find(&rows, heads[i]->id) >= 0);
	CU_ASSERT_EQUAL(rt_graph_check_current(g, &rows), 0);
	/* and downgrading to base from there empties the table, every step valid */
	CU_ASSERT_EQUAL(rt_graph_plan_downgrade(g, &rows, "base", &down), 0);
	CU_ASSERT_EQUAL(down.n, N);
	for (i = 0; i < down.n && ok; i++) {
		rt_vt_changes ch = {NULL, 0, 0};
		if (rt_graph_step_heads(g, &rows, &down.steps[i], &ch) != 0) {
			fprintf(stderr, "down step %s: %s\n", down.steps[i].rev->id, rt_error_msg());
			ok = 0;
		}
		rt_vt_changes_free(&ch);
		if (ok && rt_graph_check_current(g, &rows) != 0) {
			fprintf(stderr, "after down step %s: %s\n", down.steps[i].rev->id, rt_error_msg());
			ok = 0;
		}
	}
	CU_ASSERT_TRUE(ok);
	CU_ASSERT_EQUAL(rows.n, 0);
	rt_plan_free(&up);
	rt_plan_free(&down);
	rt_free(hist);
	rt_free(heads);
	rt_strv_free(&rows);
	rt_graph_free(g);
}

/* ---- performance ---- */

static void test_graph__ten_thousand_chain_is_fast(void)
{
	enum { N = 10000 };
	rt_graph *g = NULL;
	rt_revision **v = NULL;
	size_t n = 0, i;
	rt_strv cur = RT_STRV_INIT;
	rt_plan p;
	clock_t t0 = clock();
	double secs;
	CU_ASSERT_EQUAL(rt_graph_new(&g), 0);
	for (i = 0; i < N; i++) {
		rt_revision *r = rt_calloc(1, sizeof *r);
		r->id = rt_asprintf("%012llx", (unsigned long long)i * 2654435761ULL % 0xffffffffffULL + 0x100000000000ULL);
		if (i)
			rt_strv_push(&r->parents, rt_graph_at(g, i - 1)->id);
		r->path = rt_asprintf("versions/%s.conf", r->id);
		r->filename = strrchr(r->path, '/') + 1;
		CU_ASSERT_EQUAL_FATAL(rt_graph_add(g, rt_revision_pack(r)), 0);
	}
	CU_ASSERT_EQUAL(rt_graph_finish(g), 0);
	CU_ASSERT_EQUAL(rt_graph_heads(g, 0, &v, &n), 0);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_PTR_EQUAL(v[0], rt_graph_at(g, N - 1));
	rt_free(v);
	CU_ASSERT_EQUAL(rt_graph_history(g, NULL, &cur, &v, &n), 0);
	CU_ASSERT_EQUAL(n, N);
	CU_ASSERT_PTR_EQUAL(v[0], rt_graph_at(g, N - 1));
	CU_ASSERT_PTR_EQUAL(v[N - 1], rt_graph_at(g, 0));
	rt_free(v);
	CU_ASSERT_EQUAL(rt_graph_plan_upgrade(g, &cur, "head", &p), 0);
	CU_ASSERT_EQUAL(p.n, N);
	rt_plan_free(&p);
	rt_strv_push(&cur, rt_graph_at(g, N - 1)->id);
	CU_ASSERT_EQUAL(rt_graph_plan_downgrade(g, &cur, "base", &p), 0);
	CU_ASSERT_EQUAL(p.n, N);
	rt_plan_free(&p);
	secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	fprintf(stderr, "\n    10,000 revisions: build+heads+history+plans in %.1f ms CPU\n", secs * 1000);
	/* generous bound (valgrind runs are ~50x slower) */
	CU_ASSERT_TRUE(secs < 20.0);
	rt_strv_free(&cur);
	rt_graph_free(g);
}

/* ---- loading from folders ---- */

static void test_graph__load_missing_folder(void)
{
	rt_graph *g = NULL;
	const char *dirs[] = {"/nonexistent/retort/versions"};
	CU_ASSERT_EQUAL(rt_graph_load(&g, dirs, 1), RETORT_EINVAL);
	CU_ASSERT_PTR_NULL(g);
	CU_ASSERT_STRING_EQUAL(rt_error_msg(),
	                       "cannot open versions folder '/nonexistent/retort/versions': No such file or directory");
}

static void test_graph__load_empty_folder(void)
{
	rt_graph *g = NULL;
	char *dir = rt_cu_sandbox();
	const char *dirs[2];
	dirs[0] = dir;
	dirs[1] = dir; /* the same folder twice is read once */
	CU_ASSERT_EQUAL(rt_graph_load(&g, dirs, 2), 0);
	CU_ASSERT_EQUAL(rt_graph_count(g), 0);
	rt_graph_free(g);
	rmdir(dir);
	free(dir);
}

static void test_graph__load_folders_in_order(void)
{
	rt_graph *g = NULL;
	char *dir = rt_cu_sandbox(), *d1, *d2;
	char *files[6];
	const char *dirs[2];
	int i = 0;
	d1 = rt_asprintf("%s/v1", dir);
	d2 = rt_asprintf("%s/v2", dir);
	/* file names sorted per folder, folders in the given order */
	files[i++] = rt_cu_write(d1, "2_b.conf", "revision = \"bbbb\";\ndown_revision = \"aaaa\";\n");
	files[i++] = rt_cu_write(d1, "1_a.conf", "revision = \"aaaa\";\n");
	files[i++] = rt_cu_write(d1, "notes.txt", "not a script\n");
	files[i++] = rt_cu_write(d2, "0_c.conf", "revision = \"cccc\";\ndown_revision = \"bbbb\";\n");
	dirs[0] = d1;
	dirs[1] = d2;
	CU_ASSERT_EQUAL(rt_graph_load(&g, dirs, 2), 0);
	if (g) {
		CU_ASSERT_EQUAL(rt_graph_count(g), 3);
		CU_ASSERT_STRING_EQUAL(rt_graph_at(g, 0)->id, "aaaa");
		CU_ASSERT_STRING_EQUAL(rt_graph_at(g, 1)->id, "bbbb");
		CU_ASSERT_STRING_EQUAL(rt_graph_at(g, 2)->id, "cccc");
		CU_ASSERT_STRING_EQUAL(heads_str(g, 0), "cccc");
		rt_graph_free(g);
		g = NULL;
	}
	/* a duplicate id across folders names both files */
	files[i++] = rt_cu_write(d2, "9_dup.conf", "revision = \"aaaa\";\n");
	CU_ASSERT_EQUAL(rt_graph_load(&g, dirs, 2), RETORT_EINVAL);
	CU_ASSERT_PTR_NULL(g);
	{
		char *want = rt_asprintf("duplicate revision id 'aaaa': %s/1_a.conf and %s/9_dup.conf", d1, d2);
		CU_ASSERT_STRING_EQUAL(rt_error_msg(), want);
		rt_free(want);
	}
	/* a missing parent names the file */
	remove(files[i - 1]);
	files[i++] = rt_cu_write(d2, "9_dup.conf", "revision = \"dddd\";\ndown_revision = \"zzzz\";\n");
	CU_ASSERT_EQUAL(rt_graph_load(&g, dirs, 2), RETORT_EINVAL);
	{
		char *want = rt_asprintf("%s/9_dup.conf: revision dddd names down_revision 'zzzz', which no script defines",
		                         d2);
		CU_ASSERT_STRING_EQUAL(rt_error_msg(), want);
		rt_free(want);
	}
	while (i-- > 0) {
		remove(files[i]);
		free(files[i]);
	}
	rmdir(d1);
	rmdir(d2);
	rmdir(dir);
	rt_free(d1);
	rt_free(d2);
	free(dir);
}

static const rt_cu_test tests[] = {
	{"linear_structure", test_graph__linear_structure},
	{"branch_and_merge_points", test_graph__branch_and_merge_points},
	{"branch_points_newest_first", test_graph__branch_points_newest_first},
	{"multiple_bases", test_graph__multiple_bases},
	{"labels_propagate_along_line", test_graph__labels_propagate_along_line},
	{"labels_propagate_down_to_base", test_graph__labels_propagate_down_to_base},
	{"labels_stop_at_merge_point", test_graph__labels_stop_at_merge_point},
	{"depends_on_effective_head", test_graph__depends_on_effective_head},
	{"depends_on_label_and_prefix", test_graph__depends_on_label_and_prefix},
	{"rejects_duplicate_id", test_graph__rejects_duplicate_id},
	{"duplicate_id_names_both_files", test_graph__duplicate_id_names_both_files},
	{"rejects_missing_parent", test_graph__rejects_missing_parent},
	{"rejects_missing_dependency", test_graph__rejects_missing_dependency},
	{"rejects_ambiguous_dependency_prefix", test_graph__rejects_ambiguous_dependency_prefix},
	{"rejects_cycle", test_graph__rejects_cycle},
	{"rejects_cycle_without_base", test_graph__rejects_cycle_without_base},
	{"rejects_dependency_cycle", test_graph__rejects_dependency_cycle},
	{"depends_on_own_parent", test_graph__depends_on_own_parent},
	{"cycle_through_parent_dependency_names_revisions", test_graph__cycle_through_parent_dependency_names_revisions},
	{"rejects_self_loop", test_graph__rejects_self_loop},
	{"rejects_label_used_twice", test_graph__rejects_label_used_twice},
	{"rejects_reserved_label_and_bad_id", test_graph__rejects_reserved_label_and_bad_id},
	{"rejects_duplicate_parent", test_graph__rejects_duplicate_parent},
	{"empty_graph", test_graph__empty_graph},
	{"history_linear", test_graph__history_linear},
	{"history_merged", test_graph__history_merged},
	{"history_branched_and_deps", test_graph__history_branched_and_deps},
	{"range_split", test_graph__range_split},
	{"check_current", test_graph__check_current},
	{"current_display_effective_head", test_graph__current_display_effective_head},
	{"step_heads_linear", test_graph__step_heads_linear},
	{"step_heads_branch_merge_unmerge", test_graph__step_heads_branch_merge_unmerge},
	{"step_heads_unmerge_skips_implied_parent", test_graph__step_heads_unmerge_skips_implied_parent},
	{"step_heads_unmerge_redundant_parent", test_graph__step_heads_unmerge_redundant_parent},
	{"step_heads_depends_on", test_graph__step_heads_depends_on},
	{"vt_changes_diff", test_graph__vt_changes_diff},
	{"generated_graph_properties", test_graph__generated_graph_properties},
	{"ten_thousand_chain_is_fast", test_graph__ten_thousand_chain_is_fast},
	{"load_missing_folder", test_graph__load_missing_folder},
	{"load_empty_folder", test_graph__load_empty_folder},
	{"load_folders_in_order", test_graph__load_folders_in_order},
	{NULL, NULL}};

static const rt_cu_suite suites[] = {{"graph", tests}, {NULL, NULL}};

RT_CU_MAIN(suites)
