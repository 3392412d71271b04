#include "config.h"
#include "host.h"
