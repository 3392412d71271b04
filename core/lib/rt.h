/*
 * libretort internals shared by every core module: status codes, the error
 * message, growable buffers and string vectors.
 *
 * Conventions: functions return an int status (RETORT_OK or a negative
 * retort_status), outputs first.  The message is set once, where the error
 * is found, with rt_error_set(); callers propagate the code.  The CLI
 * prints it once as `retort: error: <message>`.
 *
 * Exit status mapping (rt_exit_status): RETORT_EINVAL (bad input: usage,
 * config, script, graph, target, plugin that will not load) -> 2; any
 * other error (database, lock, hook, I/O) -> 1.
 */
#ifndef RT_H
#define RT_H

#include <stdarg.h>
#include <stddef.h>

#include <retort/plugin.h>

#if defined(__GNUC__)
#define RT_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define RT_UNUSED __attribute__((unused))
#else
#define RT_PRINTF(f, a)
#define RT_UNUSED
#endif

#define RT_CHECK_ALLOC(p)                                                                                              \
	do {                                                                                                           \
		if ((p) == NULL) {                                                                                     \
			rt_error_set("out of memory");                                                                 \
			return RETORT_ENOMEM;                                                                          \
		}                                                                                                      \
	} while (0)

/* ---- error message (one per process; the CLI is single-threaded) ---- */

/** Replace the current message. Returns nothing; callers return a status. */
void rt_error_set(const char *fmt, ...) RT_PRINTF(1, 2);
void rt_error_vset(const char *fmt, va_list ap);
/** Prefix the current message with "prefix: " (e.g. a file name added by a caller that knows it). */
void rt_error_prefix(const char *fmt, ...) RT_PRINTF(1, 2);
/** The current message ("" when none). */
const char *rt_error_msg(void);
void rt_error_clear(void);
/** A copy of the message, kept across calls that may set another (event hooks, clean-up). */
typedef struct rt_error_saved {
	char msg[4096];
} rt_error_saved;
void rt_error_save(rt_error_saved *saved);
void rt_error_restore(const rt_error_saved *saved);
/** 2 for RETORT_EINVAL, 1 for other negative statuses, 0 for RETORT_OK. */
int rt_exit_status(int status);

/* 1 when the environment variable is set to something other than "" or "0" (the RETORT_NO_* switches) */
int rt_env_flag(const char *name);

/* ---- memory ---- */

void *rt_malloc(size_t n);
void *rt_calloc(size_t n, size_t size);
void *rt_realloc(void *p, size_t n);
/**
 * Room for one more element in an array of n elements of elem bytes with
 * capacity *cap: v itself while n < *cap, else v reallocated to twice *cap
 * (`first` when empty), *cap updated.  NULL when out of memory (v is still
 * valid; no error is set).
 */
void *rt_grow(void *v, size_t *cap, size_t n, size_t elem, size_t first);
void rt_free(void *p);
char *rt_strdup(const char *s);  /* NULL -> NULL */
char *rt_strndup(const char *s, size_t n);
char *rt_asprintf(const char *fmt, ...) RT_PRINTF(1, 2);

/* ---- growable byte buffer (always NUL-terminated when len > 0 or after init) ---- */

typedef struct rt_buf {
	char *ptr;
	size_t len;
	size_t cap;
} rt_buf;

#define RT_BUF_INIT {NULL, 0, 0}
int rt_buf_add(rt_buf *b, const char *s, size_t n);
int rt_buf_puts(rt_buf *b, const char *s);
int rt_buf_putc(rt_buf *b, char c);
int rt_buf_printf(rt_buf *b, const char *fmt, ...) RT_PRINTF(2, 3);
int rt_buf_vprintf(rt_buf *b, const char *fmt, va_list ap);
/** The contents as a C string ("" when empty; never NULL). */
const char *rt_buf_cstr(const rt_buf *b);
/** Hand the contents over (caller frees with rt_free); the buffer is reset. Never NULL on success. */
char *rt_buf_detach(rt_buf *b);
void rt_buf_clear(rt_buf *b);
void rt_buf_free(rt_buf *b);

/* ---- vector of owned strings ---- */

typedef struct rt_strv {
	char **v;
	size_t n;
	size_t cap;
} rt_strv;

#define RT_STRV_INIT {NULL, 0, 0}
/** Append a copy of s. */
int rt_strv_push(rt_strv *sv, const char *s);
/** Append s itself (takes ownership; frees it on failure). */
int rt_strv_push_owned(rt_strv *sv, char *s);
/** Index of s, or -1. */
long rt_strv_find(const rt_strv *sv, const char *s);
void rt_strv_remove_at(rt_strv *sv, size_t i);
void rt_strv_clear(rt_strv *sv);
void rt_strv_free(rt_strv *sv);
/** Join with sep into a new string (rt_free). */
char *rt_strv_join(const rt_strv *sv, const char *sep);
/** Join with sep, appended to b. */
int rt_buf_put_joined(rt_buf *b, const rt_strv *sv, const char *sep);

/* ---- files ---- */

/**
 * dir + "/" + name into buf (no second '/' when dir ends with one), without
 * printf or the heap: 0 when it does not fit in size bytes.
 */
int rt_path_join(char *buf, size_t size, const char *dir, const char *name);
/** The value of one hexadecimal digit (0-9, a-f, A-F), or -1. */
int rt_hex_digit(int c);
/**
 * Read a whole regular file: *out NUL-terminated (rt_free), *len its bytes
 * (len may be NULL).  A FIFO, folder or device is refused (RETORT_EINVAL)
 * without blocking; so is a missing file.  Errors name the file.
 */
int rt_file_read(char **out, size_t *len, const char *path);
/**
 * Write data[0..len) to `path` atomically: a temporary file beside it,
 * then rename over it (readers see the old file or the new one, never a
 * part).  An existing file keeps its mode.  Errors name the file.
 */
int rt_file_replace(const char *path, const void *data, size_t len);
/** The line (from 1) of the first NUL byte of text[0..len), 0 when there is none. */
int rt_text_nul_line(const char *text, size_t len);
/** SHA-256 of bytes as 64 lowercase hex chars + NUL; an error (set) only when it fails. */
int rt_sha256_hex(char out[65], const void *data, size_t len);
/**
 * nbytes random bytes from the kernel (getrandom; libcrypto's RAND_bytes if
 * that fails) as 2 * nbytes lowercase hex chars + NUL in out.  Never
 * derived from the time or the pid: ids made on many hosts at once differ.
 */
void rt_random_hex(char *out, size_t nbytes);

#endif
