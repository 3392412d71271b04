/* lock: who holds the migration lock now, and since when. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"

static void json_holder(const rt_lock_state *ls)
{
	const retort_lock_holder *hd = &ls->holder;
	const char *keys[] = {"session", "user", "application", "client", "since"};
	const char *vals[] = {hd->session, hd->user, hd->application, hd->client, hd->since};
	size_t i;
	if (!ls->held || !ls->known) {
		printf("null");
		return;
	}
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		printf("%s\"%s\": ", i ? ", " : "{", keys[i]);
		json_str(stdout, vals[i]);
	}
	printf("}");
}

int cmd_lock(rt_ctx *ctx, opts *o)
{
	rt_lock_state ls;
	int rc;
	if ((rc = rt_lock_read(ctx, &ls)) < 0)
		return rc;
	if (o->json) {
		printf("{\"lock\": ");
		json_str(stdout, ctx->cfg->version_table);
		printf(", \"dialect\": ");
		json_str(stdout, ctx->dialect->desc.name);
		printf(", \"held\": %s, \"holder_known\": %s, \"holder\": ", ls.held ? "true" : "false",
		       ls.known ? "true" : "false");
		json_holder(&ls);
		printf("}\n");
	} else {
		printf("The migration lock (%s) is ", ctx->cfg->version_table);
		if (!ls.held)
			printf("free");
		else if (ls.known) {
			char *t = rt_lock_holder_text(&ls.holder);
			printf("held by %s", t ? t : "another session");
			rt_free(t);
		}
		else
			printf("held (the %s dialect cannot tell by whom)", ctx->dialect->desc.name);
		printf(".\n");
	}
	rt_lock_state_free(&ls);
	return RETORT_OK;
}
