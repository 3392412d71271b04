/* Fuzz target: retort.conf parsing and ${...} expansion. */
#include "config.h"

#include <stdlib.h>
#include <unistd.h>

#include "driver.h"
#include "rtconfig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/retort-fuzz-config-XXXXXX";
	int fd = mkstemp(path);
	rt_config *c = NULL;
	rt_strv xs = RT_STRV_INIT;
	int rc;
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		unlink(path);
		return 0;
	}
	close(fd);
	rt_strv_push(&xs, "k=v");
	rc = rt_config_load(&c, path, NULL, &xs, NULL);
	if ((rc == RETORT_OK) != (c != NULL) || rc > 0)
		abort(); /* a failure must say so: a success status with no config crashed the CLI */
	if (rc == RETORT_OK) {
		char *out = NULL;
		rt_config_free(c);
		c = NULL;
		/* the same text as an overlay name must not crash either */
		rt_config_load(&c, path, "staging", &xs, NULL);
		rt_config_free(c);
		free(out);
	}
	rt_strv_free(&xs);
	unlink(path);
	return 0;
}
