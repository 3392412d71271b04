/* One row of an ABI-1 layout table (tests/abi1/layout.c). */
#ifndef RETORT_TEST_ABI1_LAYOUT_H
#define RETORT_TEST_ABI1_LAYOUT_H

#include <stddef.h>

enum { LAYOUT_FROZEN = 1, LAYOUT_GROWS = 2 };

typedef struct layout_entry {
	const char *type;
	const char *member; /* NULL: the row gives the struct's size */
	size_t offset;      /* or the struct's size */
	size_t size;        /* the member's size */
	int rule;           /* struct rows: LAYOUT_FROZEN or LAYOUT_GROWS */
} layout_entry;

extern const layout_entry abi1_layout_old[]; /* retort 0.1.0's headers */
extern const layout_entry abi1_layout_new[]; /* include/ */

#endif
