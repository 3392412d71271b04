/* Freeing revisions (shared by the script and graph modules). */
#include "config.h"

#include "revision.h"

void rt_revision_free(rt_revision *rev)
{
	if (!rev)
		return;
	if (rev->ops_free && rev->ops_store)
		rev->ops_free(rev->ops_store);
	rt_free(rev->id);
	rt_strv_free(&rev->parents);
	rt_strv_free(&rev->labels);
	rt_strv_free(&rev->depends_on);
	rt_free(rev->message);
	rt_free(rev->create_date);
	rt_free(rev->path);
	rt_free(rev);
}
