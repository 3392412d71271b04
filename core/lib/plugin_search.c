/*
 * Plugin files: the search folders one at a time, and libltdl with a
 * loader that binds at load.  libltdl's own dlopen loader asks for lazy
 * binding (a missing symbol then kills the process in the middle of a run,
 * exit 127) and its search tries NAME.la in every folder before any
 * NAME.so (an installed module beats the one in plugin_path); and when a
 * file does not load it reports "file not found".  So retort finds the
 * file itself and opens it through libltdl with the loader below (libltdl
 * still reads the .la files), registered in place of libltdl's.
 */
#include "config.h"

#include <dirent.h>
#include <dlfcn.h>
#include <ltdl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plugin_search.h"

/* The first file that exists and would not load, and the system loader's reason (one load at a time). */
static char fail_file[1024], fail_reason[1024];

static lt_module now_open(lt_user_data data, const char *filename, lt_dladvise advise)
{
	void *m;
	(void)data;
	(void)advise;
	m = dlopen(filename, RTLD_NOW | RTLD_LOCAL);
	if (!m) {
		const char *e = dlerror();
		/* for a .la, libltdl tries several places: the file that is there tells why */
		if (!fail_reason[0] && filename && access(filename, F_OK) == 0) {
			snprintf(fail_file, sizeof fail_file, "%s", filename);
			snprintf(fail_reason, sizeof fail_reason, "%s", e ? e : "unknown error");
		}
		lt_dlseterror(LT_ERROR_CANNOT_OPEN);
	}
	return m;
}

static int now_close(lt_user_data data, lt_module module)
{
	(void)data;
	if (dlclose(module) != 0) {
		lt_dlseterror(LT_ERROR_CANNOT_CLOSE);
		return 1;
	}
	return 0;
}

static void *now_sym(lt_user_data data, lt_module module, const char *name)
{
	void *s;
	(void)data;
	dlerror();
	s = dlsym(module, name);
	if (!s)
		lt_dlseterror(LT_ERROR_SYMBOL_NOT_FOUND);
	return s;
}

static const lt_dlvtable now_loader = {"retort_now", NULL, now_open, now_close, now_sym, NULL, NULL, NULL,
                                       LT_DLLOADER_PREPEND};

int rt_psearch_init(void)
{
	static int done;
	if (done)
		return RETORT_OK;
	if (lt_dlinit() != 0 || lt_dlloader_add(&now_loader) != 0) {
		const char *e = lt_dlerror();
		rt_error_set("cannot initialise libltdl: %s", e ? e : "unknown error");
		return RETORT_ERROR;
	}
	/* libltdl tries every loader in turn: its lazy one must not pick up what ours refused
	 * (lt_dlloader_remove hands back the vtable libltdl allocated for it) */
	free(lt_dlloader_remove("lt_dlopen"));
	done = 1;
	return RETORT_OK;
}

int rt_psearch_open(const char *path, void **handle)
{
	lt_dlhandle h;
	fail_file[0] = fail_reason[0] = '\0';
	h = lt_dlopen(path);
	if (h) {
		*handle = h;
		return RETORT_OK;
	}
	if (fail_reason[0]) {
		/* dlerror() often starts with the file's name: said once */
		const char *reason = fail_reason;
		size_t n = strlen(fail_file);
		if (strncmp(reason, fail_file, n) == 0 && reason[n] == ':' && reason[n + 1] == ' ')
			reason += n + 2;
		rt_error_set("%s: cannot load plugin: %s", fail_file, reason);
	} else if (access(path, F_OK) != 0) {
		rt_error_set("%s: cannot load plugin: no such file", path);
	} else {
		const char *e = lt_dlerror();
		rt_error_set("%s: cannot load plugin: %s", path, e ? e : "unknown error");
	}
	return RETORT_EINVAL;
}

static int is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* dir/NAME.la, else dir/NAME.so, or NULL */
static char *module_in(const char *dir, const char *name, int *oom)
{
	char *p = rt_asprintf("%s/%s.la", dir, name);
	*oom = 0;
	if (p && is_file(p))
		return p;
	rt_free(p);
	p = rt_asprintf("%s/%s.so", dir, name);
	if (p && is_file(p))
		return p;
	*oom = !p;
	rt_free(p);
	return NULL;
}

/* the folders, each once (by its real path), those that exist */
static int unique_dirs(const rt_strv *dirs, rt_strv *out)
{
	rt_strv seen = RT_STRV_INIT;
	size_t i;
	int rc = RETORT_OK;
	for (i = 0; i < dirs->n && rc == RETORT_OK; i++) {
		char *real = realpath(dirs->v[i], NULL);
		if (!real)
			continue;
		if (rt_strv_find(&seen, real) >= 0) {
			free(real);
			continue;
		}
		if (rt_strv_push(&seen, real) < 0 || rt_strv_push(out, dirs->v[i]) < 0)
			rc = RETORT_ENOMEM;
		free(real);
	}
	rt_strv_free(&seen);
	if (rc < 0)
		rt_error_set("out of memory");
	return rc;
}

/* the two paths name one file */
static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int rt_psearch_find(const rt_strv *dirs, const char *name, char **path, rt_strv *others)
{
	rt_strv u = RT_STRV_INIT;
	size_t i;
	int rc, oom;
	*path = NULL;
	if ((rc = unique_dirs(dirs, &u)) < 0)
		return rc;
	for (i = 0; i < u.n; i++) {
		char *p = module_in(u.v[i], name, &oom);
		if (oom)
			goto oom;
		if (!p)
			continue;
		if (!*path)
			*path = p;
		else if (same_file(*path, p))
			rt_free(p);
		else if (rt_strv_push_owned(others, p) < 0)
			goto oom;
	}
	rt_strv_free(&u);
	return RETORT_OK;
oom:
	rt_strv_free(&u);
	rt_free(*path);
	*path = NULL;
	rt_error_set("out of memory");
	return RETORT_ENOMEM;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* the module names in one folder (files NAME.la, NAME.so), sorted, each once */
static int names_in(const char *dir, rt_strv *names)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	if (!d)
		return RETORT_OK;
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		char *base;
		if (n <= 3 || e->d_name[0] == '.' ||
		    (strcmp(e->d_name + n - 3, ".la") != 0 && strcmp(e->d_name + n - 3, ".so") != 0))
			continue;
		base = rt_strndup(e->d_name, n - 3);
		if (!base || (rt_strv_find(names, base) < 0 ? rt_strv_push_owned(names, base) : (rt_free(base), 0)) < 0) {
			closedir(d);
			rt_error_set("out of memory");
			return RETORT_ENOMEM;
		}
	}
	closedir(d);
	if (names->n > 1)
		qsort(names->v, names->n, sizeof *names->v, cmp_str);
	return RETORT_OK;
}

int rt_psearch_all(const rt_strv *dirs, rt_strv *names, rt_strv *paths, rt_strv *shadowed)
{
	rt_strv u = RT_STRV_INIT, here = RT_STRV_INIT;
	size_t i, j;
	int rc, oom;
	if ((rc = unique_dirs(dirs, &u)) < 0)
		return rc;
	for (i = 0; i < u.n && rc == RETORT_OK; i++) {
		rt_strv_clear(&here);
		if ((rc = names_in(u.v[i], &here)) < 0)
			break;
		for (j = 0; j < here.n && rc == RETORT_OK; j++) {
			char *p = module_in(u.v[i], here.v[j], &oom);
			long k = rt_strv_find(names, here.v[j]);
			if (oom) {
				rc = RETORT_ENOMEM;
			} else if (!p) {
				continue; /* not a regular file */
			} else if (k < 0) {
				if (rt_strv_push(names, here.v[j]) < 0 || rt_strv_push_owned(paths, p) < 0)
					rc = RETORT_ENOMEM;
				p = NULL;
			} else if (!same_file(paths->v[k], p)) {
				char *s = rt_asprintf("%s\t%s", here.v[j], p);
				if (!s || rt_strv_push_owned(shadowed, s) < 0)
					rc = RETORT_ENOMEM;
			}
			rt_free(p);
		}
	}
	rt_strv_free(&u);
	rt_strv_free(&here);
	if (rc == RETORT_ENOMEM)
		rt_error_set("out of memory");
	return rc;
}
