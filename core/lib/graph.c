/* graph.c: being written */
#include "config.h"
#include "graph.h"
