/*
 * Tiny CUnit driver shared by the unit suites: each test file defines
 * `static const rt_cu_suite suites[]` and calls RT_CU_MAIN(suites).
 * Also: sandbox folders and file helpers for fixtures.
 */
#ifndef RT_CU_H
#define RT_CU_H

#include <CUnit/Basic.h>
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct rt_cu_test {
	const char *name;
	void (*fn)(void);
} rt_cu_test;

typedef struct rt_cu_suite {
	const char *name;
	const rt_cu_test *tests; /* terminated by {NULL, NULL} */
} rt_cu_suite;

static inline int rt_cu_run(const rt_cu_suite *suites)
{
	unsigned failures;
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	for (; suites->name; suites++) {
		CU_pSuite s = CU_add_suite(suites->name, NULL, NULL);
		const rt_cu_test *t;
		for (t = suites->tests; t->name; t++)
			CU_add_test(s, t->name, t->fn);
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failures ? 1 : 0;
}

#define RT_CU_MAIN(suites)                                                                                     \
	int main(void)                                                                                         \
	{                                                                                                      \
		return rt_cu_run(suites);                                                                      \
	}

/* Write `text` to dir/name (creating dir); returns the malloc'd path. */
static inline char *rt_cu_write(const char *dir, const char *name, const char *text)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *path = (char *)malloc(n);
	FILE *f;
	mkdir(dir, 0777);
	snprintf(path, n, "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
	return path;
}

/* A fresh temporary folder (malloc'd path). */
static inline char *rt_cu_sandbox(void)
{
	char tmpl[] = "/tmp/retort-unit-XXXXXX";
	char *d = mkdtemp(tmpl);
	return d ? strdup(d) : NULL;
}

/* Remove a folder made by rt_cu_sandbox (nothing else) and free its path; NULL is a no-op. */
static inline void rt_cu_sandbox_free(char *dir)
{
	char cmd[600];
	if (dir && strncmp(dir, "/tmp/retort-unit-", 17) == 0 && strlen(dir) < 256) {
		snprintf(cmd, sizeof cmd, "chmod -R u+w '%s'; rm -rf '%s'", dir, dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
	}
	free(dir);
}

#endif
