/* script.c: being written */
#include "config.h"
#include "script.h"
