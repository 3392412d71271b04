/*
 * Building revision graphs in memory for the graph and target suites:
 * mkrev("id|parents|labels|deps") and build(lines).
 */
#ifndef RT_GRAPHFIX_H
#define RT_GRAPHFIX_H

#include "cu.h"
#include "graph.h"
#include "rt.h"

static int split_push(rt_strv *sv, const char *s)
{
	char buf[256];
	const char *p = s;
	while (p && *p) {
		size_t n = strcspn(p, " ");
		if (n) {
			memcpy(buf, p, n < 255 ? n : 255);
			buf[n < 255 ? n : 255] = '\0';
			if (rt_strv_push(sv, buf) < 0)
				return -1;
		}
		p += n;
		while (*p == ' ')
			p++;
	}
	return 0;
}

/* "id|parents|labels|deps" (space-separated lists; trailing parts optional): a draft (revision.h) */
static rt_revision *mkdraft(const char *line)
{
	char f[4][256];
	const char *p = line;
	int i;
	rt_revision *r = rt_calloc(1, sizeof *r);
	for (i = 0; i < 4; i++) {
		size_t n = strcspn(p, "|");
		memcpy(f[i], p, n);
		f[i][n] = '\0';
		p += n;
		if (*p == '|')
			p++;
	}
	r->id = rt_strdup(f[0]);
	split_push(&r->parents, f[1]);
	split_push(&r->labels, f[2]);
	split_push(&r->depends_on, f[3]);
	r->path = rt_asprintf("versions/%s.conf", f[0]);
	r->filename = strrchr(r->path, '/') + 1;
	return r;
}

/* The same made a revision. */
static rt_revision *mkrev(const char *line)
{
	return rt_revision_pack(mkdraft(line));
}

/* Build and finish; *rc gets the status (graph freed and NULL on error). */
static rt_graph *build_rc(const char *const *lines, int *rc)
{
	rt_graph *g = NULL;
	*rc = rt_graph_new(&g);
	for (; *rc == 0 && *lines; lines++)
		*rc = rt_graph_add(g, mkrev(*lines));
	if (*rc == 0)
		*rc = rt_graph_finish(g);
	if (*rc != 0) {
		rt_graph_free(g);
		return NULL;
	}
	return g;
}

static rt_graph *build(const char *const *lines)
{
	int rc;
	rt_graph *g = build_rc(lines, &rc);
	CU_ASSERT_PTR_NOT_NULL(g);
	if (!g)
		fprintf(stderr, "build failed: %s\n", rt_error_msg());
	return g;
}

#endif
