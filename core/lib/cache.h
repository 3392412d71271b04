/*
 * The script header cache: one file per versions folder, kept outside the
 * project (rt_cache_path: `$XDG_CACHE_HOME/retort/<folder name>-<hash of
 * its absolute path>`, `~/.cache/retort/...` without XDG_CACHE_HOME; no
 * cache when neither is set), holding for each script the identity that
 * rt_script_load read from it (revision, down_revision, branch_labels,
 * depends_on, message, create_date, format, checksum) with the file's size,
 * mtime, ctime (ns), inode and device.  rt_graph_load asks it before reading
 * a script: when stat() of the file still matches, the script is not opened.
 *
 * The cache never changes behaviour:
 *   - an entry is used only when size, mtime, ctime, inode and device all
 *     match; a file changed, replaced, added or removed is read again;
 *   - entries are written only for files whose mtime and ctime are older
 *     than the write time minus RT_CACHE_RACY_SECONDS (a file written in
 *     the same clock tick as the cache could change without its stat
 *     changing: "racily clean", as git calls it);
 *   - a missing, unreadable, truncated, corrupt or other-version cache is
 *     an empty one (the file carries its length and a 64-bit hash);
 *   - writing goes to a temporary file renamed over the cache (atomic);
 *     any failure (read-only file system, unwritable folder, full disk) is
 *     ignored and leaves no file behind and no error message set.
 * The file is safe to delete at any time.  Ops (upgrade/downgrade) are
 * never cached: rt_script_load_ops reads the script and checks it against
 * the checksum, as before.
 */
#ifndef RT_CACHE_H
#define RT_CACHE_H

#include <sys/stat.h>

#include "revision.h"

#define RT_CACHE_RACY_SECONDS 2

typedef struct rt_cache rt_cache;

/**
 * The cache file of versions folder `dir` (an absolute path: the folders
 * below take the absolute path that rt_graph_load found) into buf, without
 * printf or the heap.  0 when there is none: `dir` relative, neither
 * XDG_CACHE_HOME nor HOME set to an absolute path, or too long.
 */
int rt_cache_path(char *buf, size_t size, const char *dir);

/** 0 when $RETORT_NO_CACHE disables the cache, else 1. */
int rt_cache_enabled(void);

/**
 * Read the cache of folder `dir` (absolute; never an error: anything wrong is an
 * empty cache).  $RETORT_NO_CACHE set to a non-empty value other than "0"
 * disables reading and writing.  NULL only when out of memory (then no
 * cache is used).  The file's text goes into block `mem` (a reference is
 * taken; NULL: a block of its own), which the revisions
 * made from it share (revision.h).
 */
rt_cache *rt_cache_open_in(const char *dir, rt_revmem *mem);
rt_cache *rt_cache_open(const char *dir); /* rt_cache_open_in(dir, NULL) */

/** How many entries the file held. */
size_t rt_cache_count(const rt_cache *c);

/**
 * Which entry holds file `name` of the folder with stat `st`: its number
 * (from 1) when its size, times, inode and device match, else 0.  Changes
 * nothing, so threads may call it at once (the folder's stat() calls run
 * on two); `guess` is where to look first (the name's position: scripts
 * and entries are both in name order).
 */
size_t rt_cache_match(const rt_cache *c, const char *name, size_t guess, const struct stat *st);

/**
 * The revision of entry `m` (rt_cache_match), made in the cache's block:
 * strings point into the file's text, `path` is borrowed (it must live as
 * long as the block: carve it there).  1 and *out; 0 when the entry does
 * not parse (the script is read instead); negative only when out of memory.
 */
int rt_cache_get_at(rt_cache *c, size_t m, const char *path, rt_revision **out);

/**
 * rt_cache_match then rt_cache_get_at, `path` copied into the block: 1 and
 * *out, 0 when absent or stale, negative only when out of memory.
 */
int rt_cache_get(rt_cache *c, const char *name, const char *path, const struct stat *st, rt_revision **out);

/** Record the identity of a script just read (no-op for a racily new file). */
int rt_cache_put(rt_cache *c, const char *name, const struct stat *st, const rt_revision *rev);

/**
 * Write the cache when it changed (an entry added, or one not used this time:
 * a removed or changed file).  Failures are ignored.
 */
void rt_cache_save(rt_cache *c);

void rt_cache_free(rt_cache *c);

#endif
