/*
 * Finding and opening plugin module files: the search folders one at a
 * time (in each, NAME.la then NAME.so), and libltdl with a loader of our
 * own that binds every symbol at load (RTLD_NOW) and keeps the system
 * loader's own reason when a file does not load.  Callers serialise
 * (plugins are loaded by one thread at a time: fleet's setup_lock).
 */
#ifndef RT_PLUGIN_SEARCH_H
#define RT_PLUGIN_SEARCH_H

#include "rt.h"

/** Set up libltdl once per process (the RTLD_NOW loader replaces libltdl's lazy one). */
int rt_psearch_init(void);

/**
 * Open the module file `path` (a .la or a shared object) with every symbol
 * resolved.  On failure the error is "FILE: cannot load plugin: REASON",
 * FILE the shared object that failed and REASON the system loader's (a
 * missing library, not an ELF file, an undefined symbol).  *handle is an
 * lt_dlhandle.
 */
int rt_psearch_open(const char *path, void **handle);

/**
 * The module NAME in the folders `dirs`, in order: *path is the first file
 * (NAME.la, else NAME.so, in the first folder holding either; NULL when
 * none does), `others` receives the same name found in later folders
 * (other files; a folder listed twice counts once).
 */
int rt_psearch_find(const rt_strv *dirs, const char *name, char **path, rt_strv *others);

/**
 * Every module in `dirs`: names[i] (file name without extension) and
 * paths[i], each name once, in search order (folder by folder, names
 * sorted within a folder).  A name found again in a later folder goes to
 * `shadowed` as "NAME\tPATH" (the path that is not used).
 */
int rt_psearch_all(const rt_strv *dirs, rt_strv *names, rt_strv *paths, rt_strv *shadowed);

#endif
