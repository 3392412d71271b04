/*
 * Column types as the lint rules read them: portable names and the usual
 * spellings of each database, sorted into families (integers, character
 * strings, exact numerics, floats).  Anything else is "unknown", and an
 * unknown type never makes a rule fire on its own.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "lint_int.h"

enum family { F_UNKNOWN, F_INT, F_CHAR, F_NUM, F_FLOAT };

typedef struct ltype {
	enum family fam;
	int rank;     /* F_INT: 1 smallint, 2 integer, 3 bigint; F_FLOAT: 1 real, 2 double */
	long len;     /* F_CHAR: the length, -1 unbounded; F_NUM: precision, -1 unbounded */
	long scale;   /* F_NUM */
	int varchar;  /* F_CHAR: varchar or text (not fixed char(n)) */
	char norm[64];
} ltype;

static void parse(ltype *t, const char *s)
{
	char name[64];
	size_t n = 0;
	long a = -1, b = 0;
	const char *p;
	memset(t, 0, sizeof *t);
	t->len = -1;
	for (p = s; *p && n + 1 < sizeof t->norm; p++)
		if (!isspace((unsigned char)*p))
			t->norm[n++] = (char)tolower((unsigned char)*p);
	t->norm[n] = '\0';
	/* the name: everything before '(' (spaces kept out), e.g. "charactervarying" */
	n = strcspn(t->norm, "(");
	if (n >= sizeof name)
		return;
	memcpy(name, t->norm, n);
	name[n] = '\0';
	if (t->norm[n] == '(' && sscanf(t->norm + n, "(%ld,%ld)", &a, &b) < 1)
		return;
	if (!strcmp(name, "smallint") || !strcmp(name, "int2")) {
		t->fam = F_INT, t->rank = 1;
	} else if (!strcmp(name, "integer") || !strcmp(name, "int") || !strcmp(name, "int4")) {
		t->fam = F_INT, t->rank = 2;
	} else if (!strcmp(name, "bigint") || !strcmp(name, "int8")) {
		t->fam = F_INT, t->rank = 3;
	} else if (!strcmp(name, "varchar") || !strcmp(name, "charactervarying")) {
		t->fam = F_CHAR, t->varchar = 1, t->len = a;
	} else if (!strcmp(name, "text") || !strcmp(name, "longtext") || !strcmp(name, "mediumtext")) {
		t->fam = F_CHAR, t->varchar = 1, t->len = -1;
	} else if (!strcmp(name, "char") || !strcmp(name, "character")) {
		t->fam = F_CHAR, t->len = a < 0 ? 1 : a;
	} else if (!strcmp(name, "numeric") || !strcmp(name, "decimal")) {
		t->fam = F_NUM, t->len = a, t->scale = a < 0 ? 0 : b;
	} else if (!strcmp(name, "real") || !strcmp(name, "float4")) {
		t->fam = F_FLOAT, t->rank = 1;
	} else if (!strcmp(name, "double") || !strcmp(name, "doubleprecision") || !strcmp(name, "float8") ||
	           !strcmp(name, "float")) {
		t->fam = F_FLOAT, t->rank = 2;
	}
}

/* one type, however spelled (integer = int4, varchar = character varying) */
static int same(const ltype *f, const ltype *t)
{
	if (!strcmp(f->norm, t->norm))
		return 1;
	return f->fam != F_UNKNOWN && f->fam == t->fam && f->rank == t->rank && f->len == t->len &&
	       f->scale == t->scale && f->varchar == t->varchar;
}

int lint_type_narrows(const char *from, const char *to)
{
	ltype f, t;
	if (!from || !to)
		return 0;
	parse(&f, from);
	parse(&t, to);
	if (f.fam == F_UNKNOWN || t.fam == F_UNKNOWN || same(&f, &t))
		return 0;
	if (f.fam != t.fam) {
		if (t.fam == F_CHAR && t.len < 0)
			return 0; /* anything fits in text */
		if (f.fam == F_INT && ((t.fam == F_NUM && t.len < 0) || (t.fam == F_FLOAT && t.rank == 2)))
			return 0;
		return 1; /* values may not convert */
	}
	switch (f.fam) {
	case F_INT:
	case F_FLOAT:
		return t.rank < f.rank;
	case F_CHAR:
		return t.len >= 0 && (f.len < 0 || t.len < f.len);
	case F_NUM:
		return t.len >= 0 && (f.len < 0 || t.len - t.scale < f.len - f.scale || t.scale < f.scale);
	default:
		return 0;
	}
}

int lint_pg_rewrites(const char *from, const char *to)
{
	ltype f, t;
	if (!from)
		return 1;
	parse(&f, from);
	parse(&t, to);
	if (same(&f, &t))
		return 0;
	/* binary coercible: varchar(n) -> varchar(m >= n), varchar, text; numeric(p,s) -> numeric(p' >= p, s), numeric */
	if (f.fam == F_CHAR && t.fam == F_CHAR && f.varchar && t.varchar)
		return !(t.len < 0 || (f.len >= 0 && t.len >= f.len));
	if (f.fam == F_NUM && t.fam == F_NUM)
		return !(t.len < 0 || (f.len >= 0 && t.len >= f.len && t.scale == f.scale));
	return 1;
}

int lint_my_copies(const char *from, const char *to)
{
	ltype f, t;
	if (!from)
		return 1;
	parse(&f, from);
	parse(&t, to);
	if (same(&f, &t))
		return 0;
	if (f.fam == F_INT && t.fam == F_INT)
		return t.rank < f.rank; /* widening an integer: INSTANT (MariaDB 10.4.3) */
	/* a longer VARCHAR with the same length bytes (utf8mb4: up to 63 characters in one byte) */
	if (f.fam == F_CHAR && t.fam == F_CHAR && f.varchar && t.varchar && f.len >= 0 && t.len >= f.len)
		return (f.len <= 63) != (t.len <= 63);
	return 1;
}
