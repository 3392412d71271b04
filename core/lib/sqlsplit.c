/* sqlsplit.c: being written */
#include "config.h"
#include "sqlsplit.h"
