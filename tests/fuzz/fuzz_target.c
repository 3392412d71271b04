/* Fuzz target: the target grammar and ranges, on a fixed branched graph. */
#include "config.h"

#include "driver.h"
#include "graph.h"

static rt_revision *mk(const char *id, const char *p1, const char *p2, const char *label, const char *dep)
{
	rt_revision *r = rt_calloc(1, sizeof *r);
	r->id = rt_strdup(id);
	r->path = rt_asprintf("/fuzz/%s.conf", id);
	r->filename = r->path + 6;
	r->format = RETORT_FORMAT_CONF;
	if (p1)
		rt_strv_push(&r->parents, p1);
	if (p2)
		rt_strv_push(&r->parents, p2);
	if (label)
		rt_strv_push(&r->labels, label);
	if (dep)
		rt_strv_push(&r->depends_on, dep);
	return rt_revision_pack(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	rt_graph *g = NULL;
	char *spec = rt_strndup((const char *)data, size);
	rt_strv cur = RT_STRV_INIT, out = RT_STRV_INIT;
	rt_plan plan = {NULL, 0};
	rt_revision **revs = NULL;
	size_t n = 0;
	if (!spec || memchr(data, 0, size) || rt_graph_new(&g) < 0) {
		rt_free(spec);
		return 0;
	}
	rt_graph_add(g, mk("aaa1", NULL, NULL, NULL, NULL));
	rt_graph_add(g, mk("bbb2", "aaa1", NULL, NULL, NULL));
	rt_graph_add(g, mk("ccc3", "bbb2", NULL, "left", NULL));
	rt_graph_add(g, mk("ddd4", "bbb2", NULL, "right", NULL));
	rt_graph_add(g, mk("eee5", "ccc3", "ddd4", NULL, NULL));
	rt_graph_add(g, mk("s1", NULL, NULL, "shared", NULL));
	rt_graph_add(g, mk("fff6", "eee5", NULL, NULL, "shared"));
	if (rt_graph_finish(g) == RETORT_OK) {
		rt_strv_push(&cur, "ccc3");
		rt_strv_push(&cur, "ddd4");
		rt_graph_resolve(g, spec, &cur, 0, &out);
		rt_strv_clear(&out);
		rt_graph_resolve(g, spec, &cur, 1, &out);
		if (rt_graph_plan_upgrade(g, &cur, spec, &plan) == RETORT_OK)
			rt_plan_free(&plan);
		if (rt_graph_plan_downgrade(g, &cur, spec, &plan) == RETORT_OK)
			rt_plan_free(&plan);
		if (rt_graph_history(g, spec, &cur, &revs, &n) == RETORT_OK)
			rt_free(revs);
	}
	rt_graph_free(g);
	rt_strv_free(&cur);
	rt_strv_free(&out);
	rt_free(spec);
	return 0;
}
