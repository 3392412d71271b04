/*
 * test_target: target resolution (the whole TARGETS grammar of
 * retort(1)), upgrade and downgrade plans with head maintenance, stamp.
 * Graph shapes after Alembic's test_version_traversal.py.
 */
#include "config.h"

#include "cu.h"
#include "graph.h"
#include "rt.h"
#include "script.h"


/* ---- building graphs in memory ---- */

#include "graphfix.h"

/* The error message from building, or "" when it built. */
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


/* ---- target resolution ---- */

static const char *res(rt_graph *g, const char *spec, const char *current, int down)
{
	rt_strv cur = RT_STRV_INIT, out = RT_STRV_INIT;
	int rc;
	set_strv(&cur, current);
	rc = rt_graph_resolve(g, spec, &cur, down, &out);
	if (rc != 0)
		snprintf(sbuf, sizeof sbuf, "ERR %s", rt_error_msg());
	else {
		strv_str(&out);
		if (!out.n)
			strcpy(sbuf, "<base>");
	}
	rt_strv_free(&cur);
	rt_strv_free(&out);
	return sbuf;
}

#define UP(spec, cur) res(g, spec, cur, 0)
#define DN(spec, cur) res(g, spec, cur, 1)

static const char *plan_str(rt_graph *g, int up, const char *current, const char *target)
{
	rt_strv cur = RT_STRV_INIT;
	rt_plan p;
	size_t i;
	int rc;
	set_strv(&cur, current);
	rc = up ? rt_graph_plan_upgrade(g, &cur, target, &p) : rt_graph_plan_downgrade(g, &cur, target, &p);
	rt_strv_free(&cur);
	if (rc != 0) {
		snprintf(sbuf, sizeof sbuf, "ERR %s", rt_error_msg());
		return sbuf;
	}
	sbuf[0] = '\0';
	for (i = 0; i < p.n; i++) {
		if (i)
			strcat(sbuf, " ");
		strcat(sbuf, p.steps[i].up ? "+" : "-");
		strcat(sbuf, p.steps[i].rev->id);
	}
	rt_plan_free(&p);
	return sbuf;
}

/* Run the plan through head maintenance; the rows afterwards (or ERR). */
static const char *rows_after(rt_graph *g, int up, const char *current, const char *target)
{
	rt_strv cur = RT_STRV_INIT;
	rt_plan p;
	size_t i;
	int rc;
	set_strv(&cur, current);
	rc = up ? rt_graph_plan_upgrade(g, &cur, target, &p) : rt_graph_plan_downgrade(g, &cur, target, &p);
	for (i = 0; rc == 0 && i < p.n; i++) {
		rt_vt_changes ch = {NULL, 0, 0};
		rc = rt_graph_step_heads(g, &cur, &p.steps[i], &ch);
		rt_vt_changes_free(&ch);
	}
	if (rc == 0)
		rc = rt_graph_check_current(g, &cur);
	if (rc != 0)
		snprintf(sbuf, sizeof sbuf, "ERR %s", rt_error_msg());
	else
		strv_str(&cur);
	if (rc == 0)
		rt_plan_free(&p);
	rt_strv_free(&cur);
	return sbuf;
}

static const char *stamp(rt_graph *g, const char *current, const char *targets, int purge)
{
	rt_strv cur = RT_STRV_INIT, t = RT_STRV_INIT, out = RT_STRV_INIT;
	int rc;
	set_strv(&cur, current);
	set_strv(&t, targets);
	rc = rt_graph_plan_stamp(g, &cur, (const char *const *)t.v, t.n, purge, &out);
	if (rc != 0)
		snprintf(sbuf, sizeof sbuf, "ERR %s", rt_error_msg());
	else
		strv_str(&out);
	rt_strv_free(&cur);
	rt_strv_free(&t);
	rt_strv_free(&out);
	return sbuf;
}

#define MULTI_HEAD(arg)                                                                                                \
	"ERR Multiple head revisions are present for given argument '" arg "'; please specify a specific target "      \
	"revision, '<branchname>@head' to narrow to a specific head, or 'heads' for all heads"

static void test_target__symbols(void)
{
	rt_graph *g = build(LINEAR);
	if (!g)
		return;
	CU_ASSERT_STRING_EQUAL(UP("head", ""), "eee5");
	CU_ASSERT_STRING_EQUAL(UP("heads", ""), "eee5");
	CU_ASSERT_STRING_EQUAL(UP("base", "ccc3"), "<base>");
	CU_ASSERT_STRING_EQUAL(UP("current", "ccc3"), "ccc3");
	CU_ASSERT_STRING_EQUAL(UP("current", ""), "<base>");
	CU_ASSERT_STRING_EQUAL(UP("ccc3", ""), "ccc3");
	rt_graph_free(g);
}

static void test_target__prefixes(void)
{
	static const char *const G[] = {"abcd1111", "abcd2222|abcd1111", "abce3333|abcd2222", "b|abce3333", NULL};
	rt_graph *g = build(G);
	if (!g)
		return;
	CU_ASSERT_STRING_EQUAL(UP("abcd1", ""), "abcd1111");
	CU_ASSERT_STRING_EQUAL(UP("abce", ""), "abce3333");
	/* short prefixes are allowed, and so are exact short ids */
	CU_ASSERT_STRING_EQUAL(UP("b", ""), "b");
	CU_ASSERT_STRING_EQUAL(UP("abcd", ""), "ERR Multiple revisions start with 'abcd': 'abcd1111', 'abcd2222'");
	CU_ASSERT_STRING_EQUAL(UP("a", ""),
	                       "ERR Multiple revisions start with 'a': 'abcd1111', 'abcd2222', 'abce3333'");
	CU_ASSERT_STRING_EQUAL(UP("zz", ""), "ERR No such revision or branch 'zz'");
	CU_ASSERT_STRING_EQUAL(UP("abcd1111x", ""), "ERR No such revision or branch 'abcd1111x'");
	rt_graph_free(g);
}

static void test_target__multiple_heads_message(void)
{
	rt_graph *g = build(BRANCHED);
	if (!g)
		return;
	CU_ASSERT_STRING_EQUAL(UP("head", ""), MULTI_HEAD("head"));
	CU_ASSERT_STRING_EQUAL(plan_str(g, 1, "", "head"), MULTI_HEAD("head"));
	CU_ASSERT_STRING_EQUAL(plan_str(g, 0, "ccc3", "head"), MULTI_HEAD("head"));
	CU_ASSERT_STRING_EQUAL(UP("heads", ""), "ccc3 ddd4");
	/* head-1 still needs the one head */
	CU_ASSERT_STRING_EQUAL(UP("head-1", ""), MULTI_HEAD("head"));
	rt_graph_free(g);
}

static void test_target__relative_to_revision(void)
{
	rt_graph *g = build(LINEAR);
	if (!g)
		return;
	CU_ASSERT_STRING_EQUAL(UP("bbb2+2", ""), "ddd4");
	CU_ASSERT_STRING_EQUAL(UP("ddd4-2", ""), "bbb2");
	CU_ASSERT_STRING_EQUAL(UP("bb+1", ""), "ccc3");
	CU_ASSERT_STRING_EQUAL(UP("aaa1-1", ""), "<base>");
	CU_ASSERT_STRING_EQUAL(UP("head-1", ""), "ddd4");
	CU_ASSERT_STRING_EQUAL(UP("base+2", ""), "bbb2");
	CU_ASSERT_STRING_EQUAL(DN("base+1", "eee5"), "aaa1");
	CU_ASSERT_STRING_EQUAL(DN("eee5-3", "eee5"), "bbb2");
	CU_ASSERT_STRING_EQUAL(UP("ccc3+3", ""),
	                       "ERR Relative revision 'ccc3+3' goes past the head: eee5 is a head (2 of 3 steps taken)");
	CU_ASSERT_STRING_EQUAL(UP("bbb2-3", ""), "ERR Relative revision 'bbb2-3' goes below base (2 of 3 steps taken)");
	CU_ASSERT_STRING_EQUAL(UP("base+6", ""),
	                       "ERR Relative revision 'base+6' goes past the head: eee5 is a head (5 of 6 steps taken)");
	CU_ASSERT_STRING_EQUAL(UP("zzz9+1", ""), "ERR No such revision or branch 'zzz9'");
	rt_graph_free(g);
}

static void test_target__relative_to_current(void)
{
	rt_graph *g = build(LINEAR);
	if (!g)
		return;
	CU_ASSERT_STRING_EQUAL(UP("+1", ""), "aaa1");
	CU_ASSERT_STRING_EQUAL(UP("+2", "bbb2"), "ddd4");
	CU_ASSERT_STRING_EQUAL(DN("-1", "ccc3"), "bbb2");
	CU_ASSERT_STRING_EQUAL(DN("-3", "ccc3"), "<base>");
	CU_ASSERT_STRING_EQUAL(UP("+3", "ccc3"),
	                       "ERR Relative revision '+3' goes past the head: eee5 is a head (2 of 3 steps taken)");
	CU_ASSERT_STRING_EQUAL(DN("-4", "ccc3"), "ERR Relative revision '-4' goes below base (3 of 4 steps taken)");
	CU_ASSERT_STRING_EQUAL(DN("-1", ""),
	                       "ERR Relative revision '-1' is relative to the current revision, but the database is at "
	                       "base");
	CU_ASSERT_STRING_EQUAL(UP("-1", "ccc3"),
	                       "ERR Relative revision '-1' is not a valid upgrade target (use +N to go up)");
	CU_ASSERT_STRING_EQUAL(DN("+1", "ccc3"),
	                       "ERR Relative revision '+1' is not a valid downgrade target (use -N to go down)");
	CU_ASSERT_STRING_EQUAL(plan_str(g, 1, "bbb2", "+2"), "+ccc3 +ddd4");
	CU_ASSERT_STRING_EQUAL(plan_str(g, 0, "ddd4", "-2"), "-ddd4 -ccc3");
	CU_ASSERT_STRING_EQUAL(rows_after(g, 0, "ddd4", "-2"), "bbb2");
	rt_graph_free(g);
}

static void test_target__relative_with_several_heads(void)
{
	rt_graph *g = build(LABELED);
	if (!g)
		return;
	CU_ASSERT_STRING_EQUAL(UP("+1", "s3 t2"),
	                       "ERR Relative revision '+1' is ambiguous: the database is at several heads (s3, t2); "
	                       "name a branch, e.g. '<branchname>@+1'");
	CU_ASSERT_STRING_EQUAL(DN("-1", "s3 t2"),
	                       "ERR Relative revision '-1' is ambiguous: the database is at several heads (s3, t2); "
	                       "name a branch, e.g. '<branchname>@-1'");
	CU_ASSERT_STRING_EQUAL(plan_str(g, 0, "s3 t2", "-1"),
	                       "ERR Relative revision '-1' is ambiguous: the database is at several heads (s3, t2); "
	                       "name a branch, e.g. '<branchname>@-1'");
	/* a branch point above: +1 cannot choose */
	CU_ASSERT_STRING_EQUAL(UP("+1", "r2"),
	                       "ERR Relative revision '+1' is ambiguous: r2 has several revisions above it (s1, t1); "
	                       "name a branch");
	CU_ASSERT_STRING_EQUAL(UP("r2+1", ""),
	                       "ERR Relative revision 'r2+1' is ambiguous: r2 has several revisions above it (s1, t1); "
	                       "name a branch");
	rt_graph_free(g);
}

static void test_target__branch_forms(void)
{
	rt_graph *g = build(LABELED);
	if (!g)
		return;
	CU_ASSERT_STRING_EQUAL(UP("shop@head", ""), "s3");
	CU_ASSERT_STRING_EQUAL(UP("bill@head", ""), "t2");
	CU_ASSERT_STRING_EQUAL(UP("shop", ""), "s3");     /* a bare label: the branch's head */
	CU_ASSERT_STRING_EQUAL(UP("shop@heads", ""), "s3");
	CU_ASSERT_STRING_EQUAL(UP("shop@base", ""), "<base>");
	CU_ASSERT_STRING_EQUAL(UP("shop@s2", ""), "s2");
	CU_ASSERT_STRING_EQUAL(UP("shop@r1", ""), "r1"); /* an ancestor shares the lineage */
	CU_ASSERT_STRING_EQUAL(UP("shop@t1", ""), "ERR Revision t1 is not a member of branch 'shop'");
	CU_ASSERT_STRING_EQUAL(UP("nope@head", ""), "ERR No such branch: 'nope'");
	CU_ASSERT_STRING_EQUAL(UP("shop@+1", "r2"), "s1");
	CU_ASSERT_STRING_EQUAL(UP("bill@+2", "r2"), "t2");
	CU_ASSERT_STRING_EQUAL(UP("shop@+1", "s1 t2"), "s2");
	/* branch not applied yet: start from below, along the branch */
	CU_ASSERT_STRING_EQUAL(UP("shop@+1", "t2"), "s1");
	CU_ASSERT_STRING_EQUAL(UP("shop@+3", ""), "s1");
	CU_ASSERT_STRING_EQUAL(DN("shop@-1", "s3 t2"), "s2");
	CU_ASSERT_STRING_EQUAL(DN("bill@-2", "s3 t2"), "r2");
	CU_ASSERT_STRING_EQUAL(UP("shop@head-2", ""), "s1");
	CU_ASSERT_STRING_EQUAL(UP("bill@base+3", ""), "t1");
	CU_ASSERT_STRING_EQUAL(UP("shop-1", ""), "s2"); /* a bare label is its head here too */
	CU_ASSERT_STRING_EQUAL(UP("s1@head", ""), "s3"); /* a revision names its branch too */
	CU_ASSERT_STRING_EQUAL(UP("shop@sh", ""), "s3"); /* label prefix */
	CU_ASSERT_STRING_EQUAL(UP("head", ""), MULTI_HEAD("head"));
	CU_ASSERT_STRING_EQUAL(UP("r1@head", ""), MULTI_HEAD("r1@head"));
	CU_ASSERT_STRING_EQUAL(UP("current", "s2 t1"), "s2 t1");
	CU_ASSERT_STRING_EQUAL(UP("shop@current", "s2 t1"), "s2");
	rt_graph_free(g);
}

static void test_target__label_head_on_merged_graph(void)
{
	rt_graph *g = build(MERGED);
	if (!g)
		return;
	CU_ASSERT_STRING_EQUAL(UP("c1lib@head", ""), "f");
	CU_ASSERT_STRING_EQUAL(UP("c1lib@base+3", ""), "c1");
	/* lineage is ancestors or descendants of the labelled revision: c2 is neither */
	CU_ASSERT_STRING_EQUAL(UP("c1lib@c2", ""), "ERR Revision c2 is not a member of branch 'c1lib'");
	CU_ASSERT_STRING_EQUAL(UP("c1lib@b", ""), "b");
	CU_ASSERT_STRING_EQUAL(UP("m-1", ""),
	                       "ERR Relative revision 'm-1' is ambiguous: m is a merge point (d1, d2); name the revision to "
	                       "go to");
	rt_graph_free(g);
}

/* ---- upgrade ---- */

static void test_target__upgrade_linear(void)
{
	rt_graph *g = build(LINEAR);
	if (!g)
		return;
	CU_ASSERT_STRING_EQUAL(plan_str(g, 1, "", "head"), "+aaa1 +bbb2 +ccc3 +ddd4 +eee5");
	CU_ASSERT_STRING_EQUAL(plan_str(g, 1, "bbb2", "ddd4"), "+ccc3 +ddd4");
	CU_ASSERT_STRING_EQUAL(plan_str(g, 1, "eee5", "head"), "");
	/* upgrading to an ancestor of the current state is a no-op */
	CU_ASSERT_STRING_EQUAL(plan_str(g, 1, "ddd4", "bbb2"), "");
	CU_ASSERT_STRING_EQUAL(plan_str(g, 1, "ddd4", "base"), "");
	CU_ASSERT_STRING_EQUAL(plan_str(g, 1, "", NULL), "+aaa1 +bbb2 +ccc3 +ddd4 +eee5");
	CU_ASSERT_STRING_EQUAL(plan_str(g, 1, "deadbeef", "head"),
	                       "ERR the version table names revision 'deadbeef', which no script defines");
	CU_ASSERT_STRING_EQUAL(rows_after(g, 1, "", "head"), "eee5");
	rt_graph_free(g);
}

static void test_target__upgrade_branches_in_alembic_order(void)
{
	rt_graph *g = build(BRANCHED);
	if (!g)
		return;
	/* observed with Alembic: aaa1, bbb2, ddd4, ccc3 */
	CU_ASSERT_STRING_EQUAL(plan_str(g, 1, "", "heads"), "+aaa1 +bbb2 +ddd4 +ccc3");
	CU_ASSERT_STRING_EQUAL(plan_str(g, 1, "", "ccc3"), "+aaa1 +bbb2 +ccc3");
	CU_ASSERT_STRING_EQUAL(plan_str(g, 1, "ccc3", "heads"), "+ddd4");
	CU_ASSERT_STRING_EQUAL(rows_after(g, 1, "", "heads"), "ddd4 ccc3");
	CU_ASSERT_STRING_EQUAL(rows_after(g, 1, "ccc3", "ddd4"), "ccc3 ddd4");
	rt_graph_free(g);
}

static void test_target__upgrade_through_merge(void)
{
	rt_graph *g = build(MERGED);
	if (!g)
		return;
	CU_ASSERT_STRING_EQUAL(plan_str(g, 1, "", "head"), "+a +b +c2 +d2 +c1 +d1 +m +f");
	CU_ASSERT_STRING_EQUAL(plan_str(g, 1, "d1", "head"), "+c2 +d2 +m +f");
	CU_ASSERT_STRING_EQUAL(plan_str(g, 1, "c1 d2", "m"), "+d1 +m");
	CU_ASSERT_STRING_EQUAL(rows_after(g, 1, "", "head"), "f");
	CU_ASSERT_STRING_EQUAL(rows_after(g, 1, "d1", "head"), "f");
	CU_ASSERT_STRING_EQUAL(rows_after(g, 1, "c1 d2", "m"), "m");
	rt_graph_free(g);
}

static void test_target__upgrade_multiple_bases(void)
{
	static const char *const G[] = {"x1", "x2|x1", "y1", "y2|y1", NULL};
	rt_graph *g = build(G);
	if (!g)
		return;
	CU_ASSERT_STRING_EQUAL(plan_str(g, 1, "", "heads"), "+y1 +y2 +x1 +x2");
	CU_ASSERT_STRING_EQUAL(rows_after(g, 1, "", "heads"), "y2 x2");
	CU_ASSERT_STRING_EQUAL(plan_str(g, 1, "x2", "y2"), "+y1 +y2");
	CU_ASSERT_STRING_EQUAL(rows_after(g, 1, "x2", "y2"), "x2 y2");
	CU_ASSERT_STRING_EQUAL(UP("+1", ""),
	                       "ERR Relative revision '+1' is ambiguous: base has several revisions above it (x1, y1); "
	                       "name a branch");
	CU_ASSERT_STRING_EQUAL(UP("y1@+1", ""), "y1");
	CU_ASSERT_STRING_EQUAL(UP("base+1", ""),
	                       "ERR Relative revision 'base+1' is ambiguous: base has several revisions above it (x1, y1); "
	                       "name a branch");
	CU_ASSERT_STRING_EQUAL(plan_str(g, 0, "x2 y2", "base"), "-x2 -x1 -y2 -y1");
	CU_ASSERT_STRING_EQUAL(rows_after(g, 0, "x2 y2", "base"), "");
	/* a revision names the branch: only that base's line goes */
	CU_ASSERT_STRING_EQUAL(plan_str(g, 0, "x2 y2", "x1@base"), "-x2 -x1");
	CU_ASSERT_STRING_EQUAL(rows_after(g, 0, "x2 y2", "x1@base"), "y2");
	rt_graph_free(g);
}

static void test_target__upgrade_pulls_dependencies(void)
{
	rt_graph *g = build(DEPS);
	if (!g)
		return;
	CU_ASSERT_STRING_EQUAL(plan_str(g, 1, "", "heads"), "+a1 +a2 +a3 +b1 +b2 +b3");
	CU_ASSERT_STRING_EQUAL(rows_after(g, 1, "", "heads"), "b3");
	CU_ASSERT_STRING_EQUAL(plan_str(g, 1, "b1", "b2"), "+a1 +a2 +a3 +b2");
	CU_ASSERT_STRING_EQUAL(rows_after(g, 1, "b1", "b2"), "b2");
	CU_ASSERT_STRING_EQUAL(plan_str(g, 1, "a1", "a3"), "+a2 +a3");
	/* heads means real heads: the effective head a3 is not a target of its own */
	CU_ASSERT_STRING_EQUAL(UP("heads", ""), "b3");
	rt_graph_free(g);
}

/* ---- downgrade ---- */

static void test_target__downgrade_linear(void)
{
	rt_graph *g = build(LINEAR);
	if (!g)
		return;
	CU_ASSERT_STRING_EQUAL(plan_str(g, 0, "eee5", "bbb2"), "-eee5 -ddd4 -ccc3");
	CU_ASSERT_STRING_EQUAL(plan_str(g, 0, "eee5", "base"), "-eee5 -ddd4 -ccc3 -bbb2 -aaa1");
	CU_ASSERT_STRING_EQUAL(plan_str(g, 0, "eee5", NULL), "-eee5 -ddd4 -ccc3 -bbb2 -aaa1");
	CU_ASSERT_STRING_EQUAL(rows_after(g, 0, "eee5", "base"), "");
	CU_ASSERT_STRING_EQUAL(plan_str(g, 0, "ccc3", "ccc3"), "");
	CU_ASSERT_STRING_EQUAL(plan_str(g, 0, "", "base"), "");
	CU_ASSERT_STRING_EQUAL(plan_str(g, 0, "bbb2", "ddd4"),
	                       "ERR Destination ddd4 is not a valid downgrade target from current head(s)");
	CU_ASSERT_STRING_EQUAL(plan_str(g, 0, "eee5", "-1"), "-eee5");
	rt_graph_free(g);
}

static void test_target__downgrade_below_merge(void)
{
	rt_graph *g = build(MERGED);
	if (!g)
		return;
	/* just below the merge: both branches stay as heads */
	CU_ASSERT_STRING_EQUAL(plan_str(g, 0, "f", "d1"), "-f -m");
	CU_ASSERT_STRING_EQUAL(rows_after(g, 0, "f", "d1"), "d2 d1");
	/* down to the branch point */
	CU_ASSERT_STRING_EQUAL(plan_str(g, 0, "f", "b"), "-f -m -d1 -c1 -d2 -c2");
	CU_ASSERT_STRING_EQUAL(rows_after(g, 0, "f", "b"), "b");
	/* one branch only, the other stays */
	CU_ASSERT_STRING_EQUAL(plan_str(g, 0, "f", "c1"), "-f -m -d1");
	CU_ASSERT_STRING_EQUAL(rows_after(g, 0, "f", "c1"), "d2 c1");
	CU_ASSERT_STRING_EQUAL(plan_str(g, 0, "d1 d2", "c1"), "-d1");
	CU_ASSERT_STRING_EQUAL(rows_after(g, 0, "d1 d2", "c1"), "c1 d2");
	CU_ASSERT_STRING_EQUAL(plan_str(g, 0, "f", "base"), "-f -m -d1 -c1 -d2 -c2 -b -a");
	CU_ASSERT_STRING_EQUAL(rows_after(g, 0, "f", "base"), "");
	/* -1 from the merge point cannot choose a parent */
	CU_ASSERT_STRING_EQUAL(plan_str(g, 0, "m", "-1"),
	                       "ERR Relative revision '-1' is ambiguous: m is a merge point (d1, d2); name the revision to "
	                       "go to");
	rt_graph_free(g);
}

static void test_target__downgrade_one_branch(void)
{
	rt_graph *g = build(LABELED);
	if (!g)
		return;
	CU_ASSERT_STRING_EQUAL(plan_str(g, 0, "s3 t2", "shop@-1"), "-s3");
	CU_ASSERT_STRING_EQUAL(rows_after(g, 0, "s3 t2", "shop@-1"), "s2 t2");
	CU_ASSERT_STRING_EQUAL(plan_str(g, 0, "s3 t2", "bill@-2"), "-t2 -t1");
	CU_ASSERT_STRING_EQUAL(rows_after(g, 0, "s3 t2", "bill@-2"), "s3");
	CU_ASSERT_STRING_EQUAL(plan_str(g, 0, "s3 t2", "shop@s1"), "-s3 -s2");
	CU_ASSERT_STRING_EQUAL(plan_str(g, 0, "s3 t2", "shop@r2"), "-s3 -s2 -s1");
	CU_ASSERT_STRING_EQUAL(rows_after(g, 0, "s3 t2", "shop@r2"), "t2");
	CU_ASSERT_STRING_EQUAL(plan_str(g, 0, "s3 t2", "r2"), "-s3 -s2 -s1 -t2 -t1");
	CU_ASSERT_STRING_EQUAL(rows_after(g, 0, "s3 t2", "r2"), "r2");
	CU_ASSERT_STRING_EQUAL(plan_str(g, 0, "s3 t2", "shop@t1"), "ERR Revision t1 is not a member of branch 'shop'");
	CU_ASSERT_STRING_EQUAL(plan_str(g, 0, "s3 t2", "s1+1"), "-s3");
	CU_ASSERT_STRING_EQUAL(plan_str(g, 0, "s2 t2", "t2"), "");
	rt_graph_free(g);
}

static void test_target__downgrade_dependents_first(void)
{
	rt_graph *g = build(DEPS);
	if (!g)
		return;
	/* the dependency goes: its dependents go first */
	CU_ASSERT_STRING_EQUAL(plan_str(g, 0, "b3", "a1"), "-b3 -b2 -a3 -a2");
	CU_ASSERT_STRING_EQUAL(rows_after(g, 0, "b3", "a1"), "a1 b1");
	CU_ASSERT_STRING_EQUAL(plan_str(g, 0, "b3", "base"), "-b3 -b2 -b1 -a3 -a2 -a1");
	CU_ASSERT_STRING_EQUAL(rows_after(g, 0, "b3", "base"), "");
	CU_ASSERT_STRING_EQUAL(plan_str(g, 0, "b3", "b1"), "-b3 -b2");
	CU_ASSERT_STRING_EQUAL(rows_after(g, 0, "b3", "b1"), "a3 b1");
	rt_graph_free(g);
}

/* ---- stamp ---- */

static void test_target__stamp(void)
{
	rt_graph *g = build(LABELED);
	if (!g)
		return;
	CU_ASSERT_STRING_EQUAL(stamp(g, "", "heads", 0), "s3 t2");
	CU_ASSERT_STRING_EQUAL(stamp(g, "s3 t2", "s2", 0), "t2 s2");
	CU_ASSERT_STRING_EQUAL(stamp(g, "s3 t2", "base", 0), "");
	CU_ASSERT_STRING_EQUAL(stamp(g, "s3 t2", "shop@base", 0), "t2");
	CU_ASSERT_STRING_EQUAL(stamp(g, "r2", "s1", 0), "s1");
	CU_ASSERT_STRING_EQUAL(stamp(g, "s1", "t2", 0), "s1 t2");
	CU_ASSERT_STRING_EQUAL(stamp(g, "s3 t2", "s3", 0), "s3 t2");
	CU_ASSERT_STRING_EQUAL(stamp(g, "s3 t2", "s1 t1", 0), "s1 t1");
	CU_ASSERT_STRING_EQUAL(stamp(g, "s3 t2", "s1", 1), "s1");
	CU_ASSERT_STRING_EQUAL(stamp(g, "s3", "r1 s2", 0),
	                       "ERR cannot stamp s2 together with its ancestor r1: the version table holds only heads");
	CU_ASSERT_STRING_EQUAL(stamp(g, "", "head", 0), MULTI_HEAD("head"));
	CU_ASSERT_STRING_EQUAL(stamp(g, "", "nope", 0), "ERR No such revision or branch 'nope'");
	CU_ASSERT_STRING_EQUAL(stamp(g, "bogus", "s1", 0),
	                       "ERR the version table names revision 'bogus', which no script defines");
	CU_ASSERT_STRING_EQUAL(stamp(g, "bogus", "s1", 1), "s1");
	rt_graph_free(g);
}

static void test_target__stamp_with_dependency(void)
{
	rt_graph *g = build(DEPS);
	if (!g)
		return;
	/* a3 is implied by b2: it gives way */
	CU_ASSERT_STRING_EQUAL(stamp(g, "a3 b1", "b2", 0), "b2");
	CU_ASSERT_STRING_EQUAL(stamp(g, "b3", "a2", 0), "a2");
	rt_graph_free(g);
}

static void test_target__resolve_into_current(void)
{
	/* the runner resolves FROM into the very list it passes as current */
	rt_graph *g = build(LINEAR);
	rt_strv heads = RT_STRV_INIT;
	if (!g)
		return;
	CU_ASSERT_EQUAL(rt_graph_resolve(g, "bbb2", &heads, 0, &heads), 0);
	CU_ASSERT_STRING_EQUAL(strv_str(&heads), "bbb2");
	rt_strv_free(&heads);
	set_strv(&heads, "ccc3");
	CU_ASSERT_EQUAL(rt_graph_plan_stamp(g, &heads, (const char *const[]){"ddd4"}, 1, 0, &heads), 0);
	CU_ASSERT_STRING_EQUAL(strv_str(&heads), "ddd4");
	rt_strv_free(&heads);
	CU_ASSERT_EQUAL(rt_graph_resolve(g, NULL, &heads, 0, &heads), RETORT_EINVAL);
	rt_graph_free(g);
}

/* depends_on naming the own down_revision (Alembic #843): plans as the plain chain */
static void test_target__depends_on_own_parent(void)
{
	static const char *const G[] = {"a", "b|a||a", "c|b||b", NULL};
	rt_graph *g = build(G);
	if (!g)
		return;
	CU_ASSERT_STRING_EQUAL(plan_str(g, 1, "", "heads"), "+a +b +c");
	CU_ASSERT_STRING_EQUAL(plan_str(g, 0, "c", "base"), "-c -b -a");
	CU_ASSERT_STRING_EQUAL(rows_after(g, 1, "", "b"), "b");
	CU_ASSERT_STRING_EQUAL(rows_after(g, 0, "c", "a"), "a");
	rt_graph_free(g);
}

static void test_target__garbage_never_crashes(void)
{
	static const char *const specs[] = {"",       "@",     "@@",     "+",     "-",      "+-1",  "--1",   "a@",
	                                    "@head",  "@+1",   "head@",  "x@y@z", "+99999999999999", "base-1",
	                                    "heads+1", "current+1", "head+0", "-0", ":", "a:b", "shop@", "é", NULL};
	rt_graph *g = build(LABELED);
	size_t i;
	if (!g)
		return;
	for (i = 0; specs[i]; i++) {
		rt_strv cur = RT_STRV_INIT, out = RT_STRV_INIT;
		rt_plan p;
		set_strv(&cur, "s2 t1");
		(void)rt_graph_resolve(g, specs[i], &cur, 0, &out);
		(void)rt_graph_resolve(g, specs[i], &cur, 1, &out);
		if (rt_graph_plan_upgrade(g, &cur, specs[i], &p) == 0)
			rt_plan_free(&p);
		if (rt_graph_plan_downgrade(g, &cur, specs[i], &p) == 0)
			rt_plan_free(&p);
		rt_strv_free(&out);
		(void)stamp(g, "s2 t1", specs[i], 0);
		(void)history_str(g, specs[i], "s2");
		rt_strv_free(&cur);
	}
	CU_ASSERT_STRING_EQUAL(UP("@head", ""), "ERR No such branch: ''");
	CU_ASSERT_STRING_EQUAL(UP("+99999999999999", ""), "ERR Relative revision '+99999999999999' is too large");
	rt_graph_free(g);
}

static const rt_cu_test tests[] = {
	{"symbols", test_target__symbols},
	{"prefixes", test_target__prefixes},
	{"multiple_heads_message", test_target__multiple_heads_message},
	{"relative_to_revision", test_target__relative_to_revision},
	{"relative_to_current", test_target__relative_to_current},
	{"relative_with_several_heads", test_target__relative_with_several_heads},
	{"branch_forms", test_target__branch_forms},
	{"label_head_on_merged_graph", test_target__label_head_on_merged_graph},
	{"upgrade_linear", test_target__upgrade_linear},
	{"upgrade_branches_in_alembic_order", test_target__upgrade_branches_in_alembic_order},
	{"upgrade_through_merge", test_target__upgrade_through_merge},
	{"upgrade_multiple_bases", test_target__upgrade_multiple_bases},
	{"upgrade_pulls_dependencies", test_target__upgrade_pulls_dependencies},
	{"downgrade_linear", test_target__downgrade_linear},
	{"downgrade_below_merge", test_target__downgrade_below_merge},
	{"downgrade_one_branch", test_target__downgrade_one_branch},
	{"downgrade_dependents_first", test_target__downgrade_dependents_first},
	{"stamp", test_target__stamp},
	{"stamp_with_dependency", test_target__stamp_with_dependency},
	{"resolve_into_current", test_target__resolve_into_current},
	{"depends_on_own_parent", test_target__depends_on_own_parent},
	{"garbage_never_crashes", test_target__garbage_never_crashes},
	{NULL, NULL}};

static const rt_cu_suite suites[] = {{"target", tests}, {NULL, NULL}};

RT_CU_MAIN(suites)
