/*
 * Fuzz target: revision scripts (core/lib/script.c).  The first byte picks
 * the format (even: .conf, odd: .sql), the rest is the file.  Each input is
 * loaded with its operations, and header-only followed by
 * rt_script_load_ops; when both succeed they must agree on the identity
 * (header-only .conf loading has its own scanner).
 */
#include "config.h"

#include <fcntl.h>
#include <unistd.h>

#include "driver.h"
#include "rt.h"
#include "script.h"

static void same(const rt_strv *a, const rt_strv *b)
{
	size_t i;
	if (a->n != b->n)
		abort();
	for (i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]) != 0)
			abort();
}

static void same_str(const char *a, const char *b)
{
	if ((a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	rt_revision *full = NULL, *head = NULL;
	int fd, rc_full, rc_head;
	if (size < 1)
		return 0;
	snprintf(path, sizeof path, "/tmp/retort-fuzz-script-%ld.%s", (long)getpid(), data[0] & 1 ? "sql" : "conf");
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return 0;
	if (write(fd, data + 1, size - 1) != (ssize_t)(size - 1)) {
		close(fd);
		unlink(path);
		return 0;
	}
	close(fd);
	rc_full = rt_script_load(&full, path, 1);
	rc_head = rt_script_load(&head, path, 0);
	if (rc_full == RETORT_OK) {
		size_t i;
		if (rc_head != RETORT_OK || !full->ops_loaded)
			abort();
		same_str(full->id, head->id);
		same_str(full->message, head->message);
		same_str(full->create_date, head->create_date);
		same(&full->parents, &head->parents);
		same(&full->labels, &head->labels);
		same(&full->depends_on, &head->depends_on);
		if (full->id_line != head->id_line || strcmp(full->checksum, head->checksum) != 0)
			abort();
		if (rt_script_load_ops(head) != RETORT_OK || head->nupgrade != full->nupgrade ||
		    head->ndowngrade != full->ndowngrade)
			abort();
		for (i = 0; i < full->nupgrade; i++)
			if (full->upgrade[i].kind != head->upgrade[i].kind || full->upgrade[i].line != head->upgrade[i].line)
				abort();
	} else if (rc_head == RETORT_OK) {
		rt_script_load_ops(head); /* ops errors only: must fail cleanly */
	}
	rt_revision_free(full);
	rt_revision_free(head);
	unlink(path);
	return 0;
}
