#include "config.h"
#include "rtconfig.h"
