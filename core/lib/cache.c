/*
 * The script header cache (see cache.h).
 *
 * File format (version 3), one file per versions folder (rt_cache_path):
 *
 *   retort-cache 3 <payload length> <hash64 of the payload, 16 hex>\n
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
 * where num is a decimal followed by ' ', str is `<len>:<bytes>\0` (no NUL
 * among the bytes) or `-` for NULL, list is a num count followed by that
 * many str.  rest_length lets reading the file skip the identity fields
 * (parsed only when used).  Anything that does not parse makes the whole
 * cache empty.
 *
 * Memory: the file's text is read into a block shared with the revisions
 * made from it (revision.h, rt_revmem): their strings point into the text
 * (the NUL after each str ends it in place), only the struct and the list
 * arrays are carved from the block; nothing is copied per revision.
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

/* One record: 24 bytes (the stat fields are parsed again when matched). */
typedef struct entry {
	const char *rec;        /* the whole record, '\n' included: in the text, or owned */
	uint32_t reclen;
	uint32_t namelen;       /* the name: rec + nameoff */
	uint32_t statoff;       /* rec + statoff: size, mtime, ctime, inode, device */
	unsigned char nameoff;
	unsigned char owned;    /* rec written by rt_cache_put (freed with the cache) */
	unsigned char live;     /* written back on save */
} entry;

#define E_NAME(e) ((e)->rec + (e)->nameoff)

struct rt_cache {
	char *dir;
	rt_revmem *mem; /* holds the file's text (entries from it point into it) */
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
	if (!digits || r->p >= r->end || *r->p != ':' || (size_t)(r->end - r->p - 1) <= len || r->p[1 + len] != '\0' ||
	    memchr(r->p + 1, '\0', len)) {
		r->bad = 1;
		return;
	}
	*s = r->p + 1;
	*n = len;
	r->p += 2 + len;
}

/*
 * The identity fields of a record into rev: the strings point into the
 * text (NUL-terminated there), the list arrays are carved from block m;
 * r->bad on a malformed field, *oom when out of memory.
 */
static char *id_str(rd *r, int required)
{
	const char *s;
	size_t n;
	rd_str(r, &s, &n);
	if (r->bad || !s) {
		if (required)
			r->bad = 1;
		return NULL;
	}
	return (char *)s; /* the revision's strings are const in use; the text is the block's */
}

static void id_list(rd *r, rt_revmem *m, rt_strv *sv, int *oom)
{
	long long c = rd_num(r), i;
	if (r->bad || c < 0 || c > 100000) {
		r->bad = 1;
		return;
	}
	if (c && !(sv->v = rt_revmem_alloc(m, (size_t)c * sizeof *sv->v))) {
		*oom = 1;
		return;
	}
	sv->cap = (size_t)c;
	for (i = 0; i < c && !r->bad; i++) {
		char *d = id_str(r, 1);
		if (d)
			sv->v[sv->n++] = d;
	}
}

static void read_ident(rd *r, rt_revmem *m, rt_revision *rev, int *oom)
{
	rev->id = id_str(r, 1);
	id_list(r, m, &rev->parents, oom);
	id_list(r, m, &rev->labels, oom);
	id_list(r, m, &rev->depends_on, oom);
	rev->message = id_str(r, 0);
	rev->create_date = id_str(r, 0);
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
	return rt_buf_add(b, s, n + 1); /* the NUL too */
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

/* The stat fields of a record (as parse_record checked them). */
typedef struct stat_fields {
	long long size, mt_s, mt_ns, ct_s, ct_ns;
	unsigned long long ino, dev;
} stat_fields;

static void read_stat(rd *r, stat_fields *f)
{
	f->size = rd_num(r);
	f->mt_s = rd_num(r);
	f->mt_ns = rd_num(r);
	f->ct_s = rd_num(r);
	f->ct_ns = rd_num(r);
	f->ino = (unsigned long long)rd_num(r);
	f->dev = (unsigned long long)rd_num(r);
}

/* Parse one record at r->p into *e (name, stat fields, where the rest starts). */
static int parse_record(rd *r, entry *e)
{
	const char *name;
	size_t namelen;
	long long restlen;
	stat_fields f;
	memset(e, 0, sizeof *e);
	e->rec = r->p;
	rd_str(r, &name, &namelen);
	if (!name || name - e->rec > 255 || namelen > UINT32_MAX)
		return -1;
	e->nameoff = (unsigned char)(name - e->rec);
	e->namelen = (uint32_t)namelen;
	e->statoff = (uint32_t)(r->p - e->rec);
	read_stat(r, &f);
	restlen = rd_num(r);
	/* skip the identity fields: parsed (and checked) when used */
	if (r->bad || restlen < 0 || restlen >= r->end - r->p)
		return -1;
	r->p += restlen;
	if (*r->p != '\n' || r->p + 1 - e->rec > (long long)UINT32_MAX)
		return -1;
	r->p++;
	e->reclen = (uint32_t)(r->p - e->rec);
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
		if (sscanf(line, "retort-cache 3 %llu %16[0-9a-f]\n%n", &plen, hash, &used) != 2 || used <= 0)
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


/* The records of a file read and checked by cache_file_read (the text handed to c->mem). */
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
		if (c->n > 1 && name_cmp(E_NAME(&c->e[c->n - 2]), c->e[c->n - 2].namelen, E_NAME(&e), e.namelen) >= 0)
			goto fail; /* not sorted, or a name twice */
	}
	rt_revmem_keep(c->mem, f->text, f->map);
	c->nloaded = c->n;
	f->text = NULL;
	return;
fail:
	munmap(f->text, f->map);
	f->text = NULL;
	c->n = 0;
}

rt_cache *rt_cache_open_in(const char *dir, rt_revmem *mem)
{
	rt_cache *c;
	cache_file f;
	if (disabled() || !(c = rt_calloc(1, sizeof *c)))
		return NULL;
	if (mem)
		rt_revmem_ref(mem);
	else
		mem = rt_revmem_new();
	c->mem = mem;
	if (!mem || !(c->dir = rt_strdup(dir))) {
		rt_cache_free(c);
		return NULL;
	}
	c->now = time(NULL);
	cache_file_read(&f, dir);
	load_file(c, &f);
	return c;
}

rt_cache *rt_cache_open(const char *dir)
{
	return rt_cache_open_in(dir, NULL);
}

size_t rt_cache_count(const rt_cache *c)
{
	return c ? c->nloaded : 0;
}

/* The entry read from the file for `name`: e[guess] first, then a binary search (no state changed). */
static entry *find_loaded(const rt_cache *c, const char *name, size_t nl, size_t guess)
{
	size_t lo = 0, hi = c->nloaded;
	if (guess < c->nloaded && !name_cmp(E_NAME(&c->e[guess]), c->e[guess].namelen, name, nl))
		return &c->e[guess];
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = name_cmp(E_NAME(&c->e[mid]), c->e[mid].namelen, name, nl);
		if (r == 0)
			return &c->e[mid];
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static entry *find(rt_cache *c, const char *name)
{
	size_t nl = strlen(name), i;
	entry *e = find_loaded(c, name, nl, c->hint);
	if (e) {
		c->hint = (size_t)(e - c->e) + 1; /* scripts are asked for in name order */
		return e;
	}
	for (i = c->nloaded; i < c->n; i++) /* added this run */
		if (!name_cmp(E_NAME(&c->e[i]), c->e[i].namelen, name, nl))
			return &c->e[i];
	return NULL;
}

static int matches(const entry *e, const struct stat *st)
{
	stat_fields f;
	rd r;
	r.p = e->rec + e->statoff;
	r.end = e->rec + e->reclen;
	r.bad = 0;
	read_stat(&r, &f);
	return !r.bad && S_ISREG(st->st_mode) && f.size == (long long)st->st_size &&
	       f.mt_s == (long long)st->st_mtim.tv_sec && f.mt_ns == (long long)st->st_mtim.tv_nsec &&
	       f.ct_s == (long long)st->st_ctim.tv_sec && f.ct_ns == (long long)st->st_ctim.tv_nsec &&
	       f.ino == (unsigned long long)st->st_ino && f.dev == (unsigned long long)st->st_dev;
}

size_t rt_cache_match(const rt_cache *c, const char *name, size_t guess, const struct stat *st)
{
	const entry *e;
	if (!c || !(e = find_loaded(c, name, strlen(name), guess)) || !matches(e, st))
		return 0;
	return (size_t)(e - c->e) + 1;
}

int rt_cache_get_at(rt_cache *c, size_t m, const char *path, rt_revision **out)
{
	entry *e;
	rt_revision *rev;
	rd r;
	const char *sum;
	size_t sumlen;
	long long fmt, line, restlen;
	int oom = 0;
	const char *slash;

	if (!c || !m || m > c->nloaded)
		return 0;
	e = &c->e[m - 1];
	r.p = e->rec + e->statoff;
	r.end = e->rec + e->reclen - 1; /* the fields end before the '\n' */
	r.bad = 0;
	{
		stat_fields f;
		read_stat(&r, &f);
	}
	restlen = rd_num(&r);
	fmt = rd_num(&r);
	line = rd_num(&r);
	rd_str(&r, &sum, &sumlen);
	if (r.bad || restlen < 0 || !sum || sumlen != 64 || (fmt != RETORT_FORMAT_CONF && fmt != RETORT_FORMAT_SQL) ||
	    line < 0 || line > 1000000000)
		goto stale;
	if (!(rev = rt_revmem_alloc(c->mem, sizeof *rev))) {
		rt_error_set("out of memory");
		return RETORT_ENOMEM;
	}
	read_ident(&r, c->mem, rev, &oom);
	if (oom) {
		rt_error_set("out of memory");
		return RETORT_ENOMEM;
	}
	if (r.bad || r.p != r.end)
		goto stale; /* what was carved stays in the block, unused */
	rev->path = (char *)path;
	slash = strrchr(path, '/');
	rev->filename = (char *)(slash ? slash + 1 : path);
	rev->format = (retort_script_format)fmt;
	rev->id_line = (int)line;
	rev->checksum = (char *)sum; /* NUL-terminated in the text */
	rev->mem = c->mem;
	rt_revmem_ref(c->mem);
	e->live = 1;
	*out = rev;
	return 1;
stale:
	e->live = 0;
	return 0;
}

int rt_cache_get(rt_cache *c, const char *name, const char *path, const struct stat *st, rt_revision **out)
{
	size_t m;
	char *p;
	if (!c || !(m = rt_cache_match(c, name, c->hint, st)))
		return 0;
	if (!(p = rt_revmem_alloc(c->mem, strlen(path) + 1))) {
		rt_error_set("out of memory");
		return RETORT_ENOMEM;
	}
	strcpy(p, path);
	c->hint = m;
	return rt_cache_get_at(c, m, p, out);
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
		e.owned = 1;
	}
	e.live = 1;
	if (old) { /* replace in place: keeps e[0..nloaded) sorted */
		if (old->owned)
			rt_free((char *)old->rec);
		*old = e;
	} else if (push(c, &e) < 0) {
		rt_free((char *)e.rec);
		rt_error_set("out of memory");
		return RETORT_ENOMEM;
	}
	c->changed = 1;
	return RETORT_OK;
}

static int cmp_entry(const void *a, const void *b)
{
	const entry *x = *(const entry *const *)a, *y = *(const entry *const *)b;
	return name_cmp(E_NAME(x), x->namelen, E_NAME(y), y->namelen);
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
	hl = snprintf(head, sizeof head, "retort-cache 3 %zu %016llx\n", b.len,
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
		if (c->e[i].owned)
			rt_free((char *)c->e[i].rec);
	rt_free(c->e);
	rt_revmem_unref(c->mem);
	rt_free(c->dir);
	rt_free(c);
}
