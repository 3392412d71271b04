/* Error message, memory, buffers, string vectors, files, hashing. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/random.h>

#include "revision.h"
#include "rt.h"

/* ---- error ---- */

static __thread char errmsg[sizeof(rt_error_saved)]; /* per thread: runner.c loads scripts on two threads */

void rt_error_vset(const char *fmt, va_list ap)
{
	vsnprintf(errmsg, sizeof errmsg, fmt, ap);
}

void rt_error_set(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	rt_error_vset(fmt, ap);
	va_end(ap);
}

void rt_error_save(rt_error_saved *saved)
{
	snprintf(saved->msg, sizeof saved->msg, "%s", errmsg);
}

void rt_error_restore(const rt_error_saved *saved)
{
	snprintf(errmsg, sizeof errmsg, "%s", saved->msg);
}

void rt_error_prefix(const char *fmt, ...)
{
	rt_error_saved old;
	size_t n;
	va_list ap;
	rt_error_save(&old);
	va_start(ap, fmt);
	vsnprintf(errmsg, sizeof errmsg, fmt, ap);
	va_end(ap);
	n = strlen(errmsg);
	if (n + 2 < sizeof errmsg) {
		memcpy(errmsg + n, ": ", 2);
		n += 2;
		snprintf(errmsg + n, sizeof errmsg - n, "%.*s", (int)(sizeof errmsg - n - 1), old.msg);
	}
}

const char *rt_error_msg(void)
{
	return errmsg;
}

void rt_error_clear(void)
{
	errmsg[0] = '\0';
}

int rt_exit_status(int status)
{
	if (status == RETORT_OK)
		return 0;
	return status == RETORT_EINVAL ? 2 : 1;
}

/* ---- memory ---- */

void *rt_malloc(size_t n)
{
	return malloc(n ? n : 1);
}

void *rt_calloc(size_t n, size_t size)
{
	return calloc(n ? n : 1, size ? size : 1);
}

void *rt_realloc(void *p, size_t n)
{
	return realloc(p, n ? n : 1);
}

void *rt_grow(void *v, size_t *cap, size_t n, size_t elem, size_t first)
{
	size_t c;
	void *nv;
	if (n < *cap)
		return v;
	c = *cap ? *cap * 2 : first;
	if (!(nv = rt_realloc(v, c * elem)))
		return NULL;
	*cap = c;
	return nv;
}

void rt_free(void *p)
{
	free(p);
}

char *rt_strdup(const char *s)
{
	return s ? rt_strndup(s, strlen(s)) : NULL;
}

char *rt_strndup(const char *s, size_t n)
{
	char *d;
	if (!s)
		return NULL;
	d = malloc(n + 1);
	if (!d)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *rt_asprintf(const char *fmt, ...)
{
	rt_buf b = RT_BUF_INIT;
	va_list ap;
	int rc;
	va_start(ap, fmt);
	rc = rt_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (rc < 0) {
		rt_buf_free(&b);
		return NULL;
	}
	return rt_buf_detach(&b);
}

/* ---- buffers ---- */

static int buf_grow(rt_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1, cap;
	char *p;
	if (need <= b->cap)
		return RETORT_OK;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	p = realloc(b->ptr, cap);
	if (!p) {
		rt_error_set("out of memory");
		return RETORT_ENOMEM;
	}
	b->ptr = p;
	b->cap = cap;
	return RETORT_OK;
}

int rt_buf_add(rt_buf *b, const char *s, size_t n)
{
	int rc = buf_grow(b, n);
	if (rc < 0)
		return rc;
	if (n)
		memcpy(b->ptr + b->len, s, n);
	b->len += n;
	b->ptr[b->len] = '\0';
	return RETORT_OK;
}

int rt_buf_puts(rt_buf *b, const char *s)
{
	return rt_buf_add(b, s, strlen(s));
}

int rt_buf_putc(rt_buf *b, char c)
{
	return rt_buf_add(b, &c, 1);
}

int rt_buf_vprintf(rt_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n, rc;
	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0) {
		rt_error_set("bad format");
		return RETORT_ERROR;
	}
	if ((rc = buf_grow(b, (size_t)n)) < 0)
		return rc;
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return RETORT_OK;
}

int rt_buf_printf(rt_buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;
	va_start(ap, fmt);
	rc = rt_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

const char *rt_buf_cstr(const rt_buf *b)
{
	return b->ptr ? b->ptr : "";
}

char *rt_buf_detach(rt_buf *b)
{
	char *p = b->ptr;
	if (!p)
		p = rt_strdup("");
	b->ptr = NULL;
	b->len = b->cap = 0;
	return p;
}

void rt_buf_clear(rt_buf *b)
{
	b->len = 0;
	if (b->ptr)
		b->ptr[0] = '\0';
}

void rt_buf_free(rt_buf *b)
{
	free(b->ptr);
	b->ptr = NULL;
	b->len = b->cap = 0;
}

/* ---- string vectors ---- */

int rt_strv_push_owned(rt_strv *sv, char *s)
{
	char **v;
	if (!s) {
		rt_error_set("out of memory");
		return RETORT_ENOMEM;
	}
	if (!(v = rt_grow(sv->v, &sv->cap, sv->n, sizeof *v, 4))) {
		free(s);
		rt_error_set("out of memory");
		return RETORT_ENOMEM;
	}
	sv->v = v;
	sv->v[sv->n++] = s;
	return RETORT_OK;
}

int rt_strv_push(rt_strv *sv, const char *s)
{
	return rt_strv_push_owned(sv, rt_strdup(s));
}

long rt_strv_find(const rt_strv *sv, const char *s)
{
	size_t i;
	for (i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return (long)i;
	return -1;
}

void rt_strv_remove_at(rt_strv *sv, size_t i)
{
	if (i >= sv->n)
		return;
	free(sv->v[i]);
	memmove(sv->v + i, sv->v + i + 1, (sv->n - i - 1) * sizeof *sv->v);
	sv->n--;
}

void rt_strv_clear(rt_strv *sv)
{
	size_t i;
	for (i = 0; i < sv->n; i++)
		free(sv->v[i]);
	sv->n = 0;
}

void rt_strv_free(rt_strv *sv)
{
	rt_strv_clear(sv);
	free(sv->v);
	sv->v = NULL;
	sv->cap = 0;
}

int rt_buf_put_joined(rt_buf *b, const rt_strv *sv, const char *sep)
{
	size_t i;
	for (i = 0; i < sv->n; i++)
		if ((i && rt_buf_puts(b, sep) < 0) || rt_buf_puts(b, sv->v[i]) < 0)
			return RETORT_ENOMEM;
	return RETORT_OK;
}

char *rt_strv_join(const rt_strv *sv, const char *sep)
{
	rt_buf b = RT_BUF_INIT;
	if (rt_buf_put_joined(&b, sv, sep) < 0) {
		rt_buf_free(&b);
		return NULL;
	}
	return rt_buf_detach(&b);
}

/* ---- files ---- */

int rt_hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int rt_path_join(char *buf, size_t size, const char *dir, const char *name)
{
	size_t dl = strlen(dir), sep = dl && dir[dl - 1] == '/' ? 0 : 1, nl = strlen(name);
	if (dl + sep + nl >= size)
		return 0;
	memcpy(buf, dir, dl);
	buf[dl] = '/';
	memcpy(buf + dl + sep, name, nl + 1);
	return 1;
}

int rt_file_read(char **out, size_t *len, const char *path)
{
	struct stat sb;
	size_t cap, n = 0;
	char *buf = NULL, *nb;
	ssize_t r;
	int fd, rc = RETORT_OK;

	/* O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused below) */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		rt_error_set("%s: cannot open: %s", path, strerror(errno));
		return errno == ENOENT ? RETORT_EINVAL : RETORT_ERROR;
	}
	if (fstat(fd, &sb) != 0) {
		rt_error_set("%s: cannot read: %s", path, strerror(errno));
		close(fd);
		return RETORT_ERROR;
	}
	if (!S_ISREG(sb.st_mode)) {
		rt_error_set("%s: not a regular file (%s)", path,
		             S_ISDIR(sb.st_mode) ? "a folder" : S_ISFIFO(sb.st_mode) ? "a FIFO" : "a device or socket");
		close(fd);
		return RETORT_EINVAL;
	}
	cap = (size_t)sb.st_size + 1;
	if (!(buf = rt_malloc(cap)))
		goto oom;
	for (;;) {
		/* a file of the size fstat gave: no need to read its EOF */
		if (sb.st_size > 0 && n == (size_t)sb.st_size)
			break;
		if (n + 1 >= cap) {
			if (!(nb = rt_realloc(buf, cap * 2)))
				goto oom;
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rt_error_set("%s: read error: %s", path, strerror(errno));
			rc = RETORT_ERROR;
			goto done;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*out = buf;
	if (len)
		*len = n;
	buf = NULL;
	goto done;
oom:
	rt_error_set("out of memory");
	rc = RETORT_ENOMEM;
done:
	rt_free(buf);
	close(fd);
	return rc;
}

int rt_text_nul_line(const char *text, size_t len)
{
	const char *nul = memchr(text, '\0', len), *p;
	int line = 1;
	if (!nul)
		return 0;
	for (p = text; (p = memchr(p, '\n', (size_t)(nul - p))) != NULL; p++)
		line++;
	return line;
}

int rt_sha256_hex(char out[65], const void *data, size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;
	static const char hex[] = "0123456789abcdef";
	if (!EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) || mdlen != 32) {
		rt_error_set("SHA-256 failed");
		return RETORT_ERROR;
	}
	for (i = 0; i < mdlen; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
	return RETORT_OK;
}

void rt_random_hex(char *out, size_t nbytes)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char b[64];
	size_t got = 0, i;
	ssize_t n;
	if (nbytes > sizeof b)
		nbytes = sizeof b;
	while (got < nbytes) {
		n = getrandom(b + got, nbytes - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got < nbytes && RAND_bytes(b, (int)nbytes) != 1)
		abort(); /* neither the kernel nor libcrypto can give randomness: nothing sensible is left to do */
	for (i = 0; i < nbytes; i++) {
		out[2 * i] = hex[b[i] >> 4];
		out[2 * i + 1] = hex[b[i] & 15];
	}
	out[2 * nbytes] = '\0';
}

int rt_env_flag(const char *name)
{
	const char *v = getenv(name);
	return v && *v && strcmp(v, "0") != 0;
}

int rt_file_replace(const char *path, const void *data, size_t len)
{
	const char *slash = strrchr(path, '/');
	char *tmp = rt_asprintf("%.*s.%s.XXXXXX", slash ? (int)(slash - path + 1) : 0, path, slash ? slash + 1 : path);
	const char *p = data;
	int fd, rc = RETORT_OK;
	struct stat sb;
	if (!tmp) {
		rt_error_set("out of memory");
		return RETORT_ENOMEM;
	}
	if ((fd = mkstemp(tmp)) < 0) {
		rt_error_set("%s: cannot create a file beside it: %s", path, strerror(errno));
		rt_free(tmp);
		return RETORT_ERROR;
	}
	/* mkstemp makes 0600: give the new file what a plain create would (0666 less the umask) */
	{
		mode_t um = umask(0);
		umask(um);
		fchmod(fd, 0666 & ~um);
	}
	/* a file that exists keeps its mode */
	if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode))
		fchmod(fd, sb.st_mode & 07777);
	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			rt_error_set("%s: write failed: %s", path, strerror(w < 0 ? errno : EIO));
			rc = RETORT_ERROR;
			break;
		}
		p += w;
		len -= (size_t)w;
	}
	if (close(fd) != 0 && rc == RETORT_OK) {
		rt_error_set("%s: write failed: %s", path, strerror(errno));
		rc = RETORT_ERROR;
	}
	if (rc == RETORT_OK && rename(tmp, path) != 0) {
		rt_error_set("%s: cannot replace: %s", path, strerror(errno));
		rc = RETORT_ERROR;
	}
	if (rc != RETORT_OK)
		unlink(tmp);
	rt_free(tmp);
	return rc;
}
