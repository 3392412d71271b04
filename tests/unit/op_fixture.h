/*
 * op_fixture.h: blank operations and columns for the dialect suites: size
 * members set, every tri-state member RETORT_UNSET.
 */
#ifndef RT_TEST_OP_FIXTURE_H
#define RT_TEST_OP_FIXTURE_H

#include <string.h>

#include <retort/types.h>

static retort_op mkop(retort_op_kind kind)
{
	retort_op op;
	memset(&op, 0, sizeof op);
	op.size = sizeof op;
	op.kind = kind;
	op.nullable = RETORT_UNSET;
	op.existing_nullable = RETORT_UNSET;
	return op;
}

static retort_column mkcol(const char *name, const char *type)
{
	retort_column c;
	memset(&c, 0, sizeof c);
	c.size = sizeof c;
	c.name = name;
	c.type = type;
	c.nullable = RETORT_UNSET;
	return c;
}

#endif
