/*
 * Plugin ABI 1 keeps its layout: every struct of retort 0.1.0's headers
 * (the frozen copy in tests/abi1/include) against include/.  A frozen
 * struct (one that travels in arrays) keeps its exact size; every member
 * of ABI 1 keeps its offset and size; a struct that may grow only gets
 * larger.  Exit 0 when all hold, 1 with one line per breach.
 */
#include <stdio.h>
#include <string.h>

#include "layout.h"

int main(void)
{
	const layout_entry *o = abi1_layout_old, *n = abi1_layout_new;
	int bad = 0, rows = 0;
	for (; o->type && n->type; o++, n++, rows++) {
		if (strcmp(o->type, n->type) != 0 || (o->member == NULL) != (n->member == NULL) ||
		    (o->member && strcmp(o->member, n->member) != 0)) {
			fprintf(stderr, "layout tables differ at row %d (%s.%s)\n", rows, o->type, o->member ? o->member : "");
			return 1;
		}
		if (!o->member) {
			if (n->rule == LAYOUT_FROZEN && n->offset != o->offset) {
				fprintf(stderr, "%s is frozen for ABI 1 (it travels in arrays): size %zu, ABI 1 has %zu\n",
				        n->type, n->offset, o->offset);
				bad++;
			} else if (n->offset < o->offset) {
				fprintf(stderr, "%s shrank: size %zu, ABI 1 has %zu\n", n->type, n->offset, o->offset);
				bad++;
			}
		} else if (n->offset != o->offset || n->size != o->size) {
			fprintf(stderr, "%s.%s moved: offset %zu size %zu, ABI 1 has offset %zu size %zu\n", n->type,
			        n->member, n->offset, n->size, o->offset, o->size);
			bad++;
		}
	}
	if (o->type || n->type) {
		fprintf(stderr, "layout tables differ in length\n");
		return 1;
	}
	printf("%d rows of the ABI-1 layout checked, %d breach%s\n", rows, bad, bad == 1 ? "" : "es");
	return bad ? 1 : 0;
}
