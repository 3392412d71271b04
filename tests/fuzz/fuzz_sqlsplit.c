/* Fuzz target: splitting raw SQL into statements (core/lib/sqlsplit.c). */
#include "config.h"

#include "driver.h"
#include "rt.h"
#include "sqlsplit.h"

typedef struct bounds {
	const char *text;
	size_t len;
	int last_line;
	int prev_line;
} bounds;

/* Every statement lies inside the text, is trimmed, and lines never go back. */
static int check(void *arg, const char *stmt, size_t len, int line)
{
	bounds *b = arg;
	if (stmt < b->text || len == 0 || stmt + len > b->text + b->len)
		abort();
	if (stmt[0] == ' ' || stmt[0] == '\n' || stmt[len - 1] == ' ' || stmt[len - 1] == '\n' || stmt[len - 1] == ';')
		abort();
	if (line < 1 || line > b->last_line || line < b->prev_line)
		abort();
	b->prev_line = line;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bounds b;
	size_t i;
	b.text = (const char *)data;
	b.len = size;
	b.last_line = 1;
	b.prev_line = 1;
	for (i = 0; i < size; i++)
		b.last_line += data[i] == '\n';
	rt_sql_split(b.text, size, 1, check, &b);
	return 0;
}
