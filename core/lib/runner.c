#include "config.h"
#include "runner.h"
