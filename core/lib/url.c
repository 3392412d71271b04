#include "config.h"
#include "url.h"
