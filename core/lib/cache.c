/*
 * The script header cache (see cache.h).
 *
 * File format (version 2), one file per versions folder (rt_cache_path):
 *
 *   retort-cache 2 <payload length> <hash64 of the payload, 16 hex>\n
 *   <payload>
 *
 * The payload is one record per script, sorted by file name; a record is
 * fields written one after another and ended by '\n':
 *
 *   str name, num size, num mtime_s, num mtime_ns, num ctime_s, num ctime_ns,
 *   num ino, num dev, num rest_length, then rest_length bytes of:
 *   num format, num id_line, str checksum, str id,
 *   list parents, list labels, list depends_on, str message, str create_date
 *
 * where num is a decimal followed by ' ', str is `<len>:<bytes>` or `-` for
 * NULL, list is a num count followed by that many str.  rest_length lets
 * reading the file skip the identity fields (parsed only when used).
 * Anything that does not parse makes the whole cache empty.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"

#ifndef MAP_POPULATE
#define MAP_POPULATE 0
#endif

typedef struct entry {
	const char *name; /* into rec; not NUL-terminated */
	size_t namelen;
	long long size, mt_s, mt_ns, ct_s, ct_ns;
	unsigned long long ino, dev;
	const char *rec; /* the whole record, '\n' included */
	size_t reclen;
	const char *rest; /* into rec: the fields after dev */
	char *owned;      /* rec when written by rt_cache_put */
	int live;         /* written back on save */
} entry;

struct rt_cache {
	char *dir;
	char *text; /* the file read (entries from it point into it); text_map bytes of an anonymous mapping */
	size_t text_map;
	entry *e;
	size_t n, cap;
	size_t nloaded; /* entries read from the file: e[0..nloaded) sorted */
	size_t hint;    /* the entry after the last one found: scripts are asked for in name order */
	int changed;
	time_t now;
};

/* ---- reading fields ---- */

typedef struct rd {
	const char *p, *end;
	int bad;
} rd;

static long long rd_num(rd *r)
{
	long long v = 0;
	int neg = 0, digits = 0;
	if (r->bad)
		return 0;
	if (r->p < r->end && *r->p == '-') {
		neg = 1;
		r->p++;
	}
	while (r->p < r->end && *r->p >= '0' && *r->p <= '9') {
		if (v > (LLONG_MAX - 9) / 10) {
			r->bad = 1;
			return 0;
		}
		v = v * 10 + (*r->p++ - '0');
		digits++;
	}
	if (!digits || r->p >= r->end || *r->p != ' ') {
		r->bad = 1;
		return 0;
	}
	r->p++;
	return neg ? -v : v;
}

/* A str field: *s points into the text, *n its length; *s NULL for `-`. */
static void rd_str(rd *r, const char **s, size_t *n)
{
	size_t len = 0;
	int digits = 0;
	*s = NULL;
	*n = 0;
	if (r->bad)
		return;
	if (r->p < r->end && *r->p == '-') {
		r->p++;
		return;
	}
	while (r->p < r->end && *r->p >= '0' && *r->p <= '9' && digits < 10) {
		len = len * 10 + (size_t)(*r->p++ - '0');
		digits++;
	}
	if (!digits || r->p >= r->end || *r->p != ':' || (size_t)(r->end - r->p - 1) < len) {
		r->bad = 1;
		return;
	}
	*s = r->p + 1;
	*n = len;
	r->p += 1 + len;
}

/*
 * The identity fields of a record into rev, each its own allocation (the
 * one rule of revision.h); r->bad on a malformed field, *oom when out of
 * memory.  On either, rt_revision_free(rev) frees what was made.
 */
static char *id_str(rd *r, int required, int *oom)
{
	const char *s;
	size_t n;
	char *d;
	rd_str(r, &s, &n);
	if (r->bad || !s) {
		if (required)
			r->bad = 1;
		return NULL;
	}
	if (!(d = rt_strndup(s, n)))
		*oom = 1;
	return d;
}

static void id_list(rd *r, rt_strv *sv, int *oom)
{
	long long c = rd_num(r), i;
	if (c < 0 || c > 100000) {
		r->bad = 1;
		return;
	}
	if (c && !(sv->v = rt_malloc((size_t)c * sizeof *sv->v))) {
		*oom = 1;
		return;
	}
	sv->cap = (size_t)c;
	for (i = 0; i < c && !r->bad && !*oom; i++) {
		char *d = id_str(r, 1, oom);
		if (d)
			sv->v[sv->n++] = d;
	}
}

static void read_ident(rd *r, rt_revision *rev, int *oom)
{
	rev->id = id_str(r, 1, oom);
	id_list(r, &rev->parents, oom);
	id_list(r, &rev->labels, oom);
	id_list(r, &rev->depends_on, oom);
	rev->message = id_str(r, 0, oom);
	rev->create_date = id_str(r, 0, oom);
}

/* ---- writing fields ---- */

static int wr_num(rt_buf *b, long long v)
{
	return rt_buf_printf(b, "%lld ", v);
}

static int wr_str(rt_buf *b, const char *s)
{
	size_t n;
	int rc;
	if (!s)
		return rt_buf_putc(b, '-');
	n = strlen(s);
	if ((rc = rt_buf_printf(b, "%zu:", n)) < 0)
		return rc;
	return rt_buf_add(b, s, n);
}

static int wr_list(rt_buf *b, const rt_strv *sv)
{
	size_t i;
	int rc = wr_num(b, (long long)sv->n);
	for (i = 0; rc >= 0 && i < sv->n; i++)
		rc = wr_str(b, sv->v[i]);
	return rc;
}

/*
 * The payload's checksum (corruption, truncation): FNV-1a's multiply over
 * 8-byte words, with a shift to mix high bits down; 2.4 MB for 10,000
 * scripts is read at every command, so a byte at a time is too slow.
 */
static uint64_t hash64(const char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ (uint64_t)n;
	size_t i;
	for (i = 0; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0x100000001b3ULL;
		h ^= h >> 29;
	}
	for (; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 0x100000001b3ULL;
	return h;
}

static int disabled(void)
{
	return rt_env_flag("RETORT_NO_CACHE");
}

int rt_cache_enabled(void)
{
	return !disabled();
}

/* s into buf at *at (no NUL); 0 when it does not fit */
static int put(char *buf, size_t size, size_t *at, const char *s, size_t n)
{
	if (n >= size - *at)
		return 0;
	memcpy(buf + *at, s, n);
	*at += n;
	return 1;
}

/* The cache's own folder ($XDG_CACHE_HOME/retort or ~/.cache/retort) into buf; its length, 0 when none. */
static size_t cache_root(char *buf, size_t size)
{
	const char *base = getenv("XDG_CACHE_HOME"), *sub = "/retort";
	size_t at = 0;
	if (!base || base[0] != '/') {
		base = getenv("HOME");
		sub = "/.cache/retort";
		if (!base || base[0] != '/')
			return 0;
	}
	if (!put(buf, size, &at, base, strlen(base)) || !put(buf, size, &at, sub, strlen(sub)))
		return 0;
	buf[at] = '\0';
	return at;
}

int rt_cache_path(char *buf, size_t size, const char *dir)
{
	static const char hex[] = "0123456789abcdef";
	uint64_t h;
	size_t at, n = strlen(dir), b;
	char tail[18];
	int i;
	if (!size || dir[0] != '/' || !(at = cache_root(buf, size)))
		return 0;
	while (n > 1 && dir[n - 1] == '/')
		n--;
	for (b = n; b > 0 && dir[b - 1] != '/'; b--)
		;
	h = hash64(dir, n);
	tail[0] = '-';
	for (i = 0; i < 16; i++)
		tail[1 + i] = hex[(h >> (60 - 4 * i)) & 15];
	if (!put(buf, size, &at, "/", 1) || !put(buf, size, &at, dir + b, n - b) || !put(buf, size, &at, tail, 17))
		return 0;
	buf[at] = '\0';
	return 1;
}

/* ---- the cache ---- */

static int push(rt_cache *c, const entry *e)
{
	entry *v = rt_grow(c->e, &c->cap, c->n, sizeof *v, 256);
	if (!v)
		return RETORT_ENOMEM;
	c->e = v;
	c->e[c->n++] = *e;
	return RETORT_OK;
}

static int name_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	int r = memcmp(a, b, an < bn ? an : bn);
	if (r)
		return r;
	return an < bn ? -1 : an > bn;
}

/* Parse one record at r->p into *e (name, stat fields, rest). */
static int parse_record(rd *r, entry *e)
{
	long long restlen;
	memset(e, 0, sizeof *e);
	e->rec = r->p;
	rd_str(r, &e->name, &e->namelen);
	if (!e->name)
		r->bad = 1;
	e->size = rd_num(r);
	e->mt_s = rd_num(r);
	e->mt_ns = rd_num(r);
	e->ct_s = rd_num(r);
	e->ct_ns = rd_num(r);
	e->ino = (unsigned long long)rd_num(r);
	e->dev = (unsigned long long)rd_num(r);
	restlen = rd_num(r);
	/* skip the identity fields: parsed (and checked) when used */
	if (r->bad || restlen < 0 || restlen >= r->end - r->p)
		return -1;
	e->rest = r->p;
	r->p += restlen;
	if (*r->p != '\n')
		return -1;
	r->p++;
	e->reclen = (size_t)(r->p - e->rec);
	e->live = 0;
	return 0;
}

/*
 * The cache file read and checked (length, hash): the bytes in an
 * anonymous mapping populated in one call (2.4 MB for 10,000 scripts would
 * otherwise cost 600 page faults, one at a time).  f->text NULL: no usable
 * file.
 */
typedef struct cache_file {
	char *text; /* map bytes; the payload: plen bytes from text + hdr */
	size_t map, hdr, plen;
} cache_file;

static void cache_file_read(cache_file *f, const char *dir)
{
	char path[4096], *text = NULL;
	struct stat st;
	size_t got = 0, map = 0;
	unsigned long long plen;
	char hash[17];
	int fd = -1, used = 0;

	memset(f, 0, sizeof *f);
	if (disabled() || !rt_cache_path(path, sizeof path, dir))
		return;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC); /* a FIFO: refused below, not waited on */
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < 20 || st.st_size > (1 << 30))
		goto fail;
	/*
	 * An anonymous mapping populated in one call: 2.4 MB for 10,000
	 * scripts would otherwise cost 600 page faults, one at a time.
	 */
	map = (size_t)st.st_size + 1;
	text = mmap(NULL, map, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (text == MAP_FAILED) {
		text = NULL;
		goto fail;
	}
	while (got < (size_t)st.st_size) {
		ssize_t k = read(fd, text + got, (size_t)st.st_size - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			goto fail;
		got += (size_t)k;
	}
	text[got] = '\0';
	{
		/* sscanf on the text itself would strlen() all of it (megabytes): scan a copy of the first line */
		char line[96];
		size_t ll = got < sizeof line - 1 ? got : sizeof line - 1;
		memcpy(line, text, ll);
		line[ll] = '\0';
		if (sscanf(line, "retort-cache 2 %llu %16[0-9a-f]\n%n", &plen, hash, &used) != 2 || used <= 0)
			goto fail;
	}
	if (text[used - 1] != '\n' || (size_t)used + plen != got)
		goto fail;
	{
		char want[17];
		snprintf(want, sizeof want, "%016llx", (unsigned long long)hash64(text + used, (size_t)plen));
		if (strcmp(want, hash) != 0)
			goto fail;
	}
	close(fd);
	f->text = text;
	f->map = map;
	f->hdr = (size_t)used;
	f->plen = (size_t)plen;
	return;
fail:
	if (fd >= 0)
		close(fd);
	if (text)
		munmap(text, map);
}

/* The records of a file read and checked by cache_file_read (taken over). */
static void load_file(rt_cache *c, cache_file *f)
{
	rd r;
	if (!f->text)
		return;
	r.p = f->text + f->hdr;
	r.end = f->text + f->hdr + f->plen;
	r.bad = 0;
	/* a record takes ~250 bytes: room for most at once rather than a copy per doubling */
	if (f->plen / 160 > 256 && (c->e = rt_malloc(f->plen / 160 * sizeof *c->e)) != NULL)
		c->cap = f->plen / 160;
	while (r.p < r.end) {
		entry e;
		if (parse_record(&r, &e) < 0 || push(c, &e) < 0)
			goto fail;
		if (c->n > 1 && name_cmp(c->e[c->n - 2].name, c->e[c->n - 2].namelen, e.name, e.namelen) >= 0)
			goto fail; /* not sorted, or a name twice */
	}
	c->text = f->text;
	c->text_map = f->map;
	c->nloaded = c->n;
	f->text = NULL;
	return;
fail:
	munmap(f->text, f->map);
	f->text = NULL;
	c->n = 0;
}

rt_cache *rt_cache_open(const char *dir)
{
	rt_cache *c;
	cache_file f;
	if (disabled() || !(c = rt_calloc(1, sizeof *c)))
		return NULL;
	if (!(c->dir = rt_strdup(dir))) {
		rt_free(c);
		return NULL;
	}
	c->now = time(NULL);
	cache_file_read(&f, dir);
	load_file(c, &f);
	return c;
}

static entry *find(rt_cache *c, const char *name)
{
	size_t lo = 0, hi = c->nloaded, nl = strlen(name), i;
	if (c->hint < c->nloaded && !name_cmp(c->e[c->hint].name, c->e[c->hint].namelen, name, nl))
		return &c->e[c->hint++];
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = name_cmp(c->e[mid].name, c->e[mid].namelen, name, nl);
		if (r == 0) {
			c->hint = mid + 1;
			return &c->e[mid];
		}
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = c->nloaded; i < c->n; i++) /* added this run */
		if (!name_cmp(c->e[i].name, c->e[i].namelen, name, nl))
			return &c->e[i];
	return NULL;
}

static int matches(const entry *e, const struct stat *st)
{
	return S_ISREG(st->st_mode) && e->size == (long long)st->st_size && e->mt_s == (long long)st->st_mtim.tv_sec &&
	       e->mt_ns == (long long)st->st_mtim.tv_nsec && e->ct_s == (long long)st->st_ctim.tv_sec &&
	       e->ct_ns == (long long)st->st_ctim.tv_nsec && e->ino == (unsigned long long)st->st_ino &&
	       e->dev == (unsigned long long)st->st_dev;
}

int rt_cache_get(rt_cache *c, const char *name, const char *path, const struct stat *st, rt_revision **out)
{
	entry *e;
	rt_revision *rev;
	rd r;
	const char *sum;
	size_t sumlen;
	long long fmt, line;
	int oom = 0;
	char *slash;

	if (!c || !(e = find(c, name)))
		return 0;
	if (!matches(e, st)) {
		e->live = 0;
		return 0;
	}
	r.p = e->rest;
	r.end = e->rec + e->reclen - 1; /* the fields end before the '\n' */
	r.bad = 0;
	fmt = rd_num(&r);
	line = rd_num(&r);
	rd_str(&r, &sum, &sumlen);
	if (r.bad || !sum || sumlen != 64 || (fmt != RETORT_FORMAT_CONF && fmt != RETORT_FORMAT_SQL) || line < 0 ||
	    line > 1000000000)
		goto stale;
	if (!(rev = rt_calloc(1, sizeof *rev))) {
		rt_error_set("out of memory");
		return RETORT_ENOMEM;
	}
	read_ident(&r, rev, &oom);
	if (!oom && !r.bad && r.p == r.end && !(rev->path = rt_strdup(path)))
		oom = 1;
	if (oom || r.bad || r.p != r.end) {
		rt_revision_free(rev);
		if (oom) {
			rt_error_set("out of memory");
			return RETORT_ENOMEM;
		}
		goto stale;
	}
	slash = strrchr(rev->path, '/');
	rev->filename = slash ? slash + 1 : rev->path;
	rev->format = (retort_script_format)fmt;
	rev->id_line = (int)line;
	memcpy(rev->checksum, sum, 64);
	rev->checksum[64] = '\0';
	e->live = 1;
	*out = rev;
	return 1;
stale:
	e->live = 0;
	return 0;
}

int rt_cache_put(rt_cache *c, const char *name, const struct stat *st, const rt_revision *rev)
{
	rt_buf b = RT_BUF_INIT, rest = RT_BUF_INIT;
	entry *old, e;
	rd r;
	int rc = 0;

	if (!c)
		return RETORT_OK;
	if ((old = find(c, name)) != NULL) {
		if (old->live)
			return RETORT_OK;
		c->changed = 1; /* the stale entry goes */
	}
	/* racily clean: could still change without its stat changing */
	if (!S_ISREG(st->st_mode) || st->st_mtim.tv_sec > c->now - RT_CACHE_RACY_SECONDS ||
	    st->st_ctim.tv_sec > c->now - RT_CACHE_RACY_SECONDS)
		return RETORT_OK;
	rc |= wr_num(&rest, (long long)rev->format);
	rc |= wr_num(&rest, (long long)rev->id_line);
	rc |= wr_str(&rest, rev->checksum);
	rc |= wr_str(&rest, rev->id);
	rc |= wr_list(&rest, &rev->parents);
	rc |= wr_list(&rest, &rev->labels);
	rc |= wr_list(&rest, &rev->depends_on);
	rc |= wr_str(&rest, rev->message);
	rc |= wr_str(&rest, rev->create_date);
	rc |= wr_str(&b, name);
	rc |= wr_num(&b, (long long)st->st_size);
	rc |= wr_num(&b, (long long)st->st_mtim.tv_sec);
	rc |= wr_num(&b, (long long)st->st_mtim.tv_nsec);
	rc |= wr_num(&b, (long long)st->st_ctim.tv_sec);
	rc |= wr_num(&b, (long long)st->st_ctim.tv_nsec);
	rc |= wr_num(&b, (long long)st->st_ino);
	rc |= wr_num(&b, (long long)st->st_dev);
	rc |= wr_num(&b, (long long)rest.len);
	if (rest.len)
		rc |= rt_buf_add(&b, rest.ptr, rest.len);
	rc |= rt_buf_putc(&b, '\n');
	rt_buf_free(&rest);
	if (rc < 0) {
		rt_buf_free(&b);
		rt_error_set("out of memory");
		return RETORT_ENOMEM;
	}
	{
		size_t len = b.len;
		char *owned = rt_buf_detach(&b);
		if (!owned) {
			rt_error_set("out of memory");
			return RETORT_ENOMEM;
		}
		r.p = owned;
		r.end = owned + len;
		r.bad = 0;
		if (parse_record(&r, &e) < 0) { /* cannot happen; keep the cache consistent anyway */
			rt_free(owned);
			return RETORT_OK;
		}
		e.owned = owned;
	}
	e.live = 1;
	if (old) { /* replace in place: keeps e[0..nloaded) sorted */
		rt_free(old->owned);
		*old = e;
	} else if (push(c, &e) < 0) {
		rt_free(e.owned);
		rt_error_set("out of memory");
		return RETORT_ENOMEM;
	}
	c->changed = 1;
	return RETORT_OK;
}

static int cmp_entry(const void *a, const void *b)
{
	const entry *x = *(const entry *const *)a, *y = *(const entry *const *)b;
	return name_cmp(x->name, x->namelen, y->name, y->namelen);
}

void rt_cache_save(rt_cache *c)
{
	rt_buf b = RT_BUF_INIT;
	entry **v = NULL;
	char tmp[4096 + 32], path[4096], head[80];
	size_t i, k = 0, off;
	int fd = -1, hl, ok = 0, created = 0;

	if (!c)
		return;
	for (i = 0; i < c->nloaded; i++)
		if (!c->e[i].live)
			c->changed = 1; /* a file removed (or changed and racy) */
	if (!c->changed)
		return;
	if (!(v = rt_malloc((c->n + 1) * sizeof *v)))
		goto done;
	for (i = 0; i < c->n; i++)
		if (c->e[i].live)
			v[k++] = &c->e[i];
	if (k)
		qsort(v, k, sizeof *v, cmp_entry);
	for (i = 0; i < k; i++)
		if (rt_buf_add(&b, v[i]->rec, v[i]->reclen) < 0)
			goto done;
	hl = snprintf(head, sizeof head, "retort-cache 2 %zu %016llx\n", b.len,
		      (unsigned long long)hash64(b.ptr ? b.ptr : "", b.len));
	if (!rt_cache_path(path, sizeof path, c->dir))
		goto done;
	/* the folders, when missing (an error shows on open) */
	if (cache_root(tmp, sizeof tmp)) {
		*strrchr(tmp, '/') = '\0';
		mkdir(tmp, 0700);
		cache_root(tmp, sizeof tmp);
		mkdir(tmp, 0700);
	}
	if (snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid()) >= (int)sizeof tmp)
		goto done;
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666)) < 0)
		goto done;
	created = 1;
	for (off = 0; off < (size_t)hl + b.len;) {
		const char *p = off < (size_t)hl ? head + off : b.ptr + (off - (size_t)hl);
		size_t n = off < (size_t)hl ? (size_t)hl - off : b.len - (off - (size_t)hl);
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			goto done;
		off += (size_t)w;
	}
	if (close(fd) < 0) {
		fd = -1;
		goto done;
	}
	fd = -1;
	if (rename(tmp, path) < 0)
		goto done;
	ok = 1;
done:
	if (fd >= 0)
		close(fd);
	if (!ok && created)
		unlink(tmp);
	rt_free(v);
	rt_buf_free(&b);
}

void rt_cache_free(rt_cache *c)
{
	size_t i;
	if (!c)
		return;
	for (i = 0; i < c->n; i++)
		rt_free(c->e[i].owned);
	rt_free(c->e);
	if (c->text)
		munmap(c->text, c->text_map);
	rt_free(c->dir);
	rt_free(c);
}
