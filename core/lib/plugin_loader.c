#include "config.h"
#include "plugin_loader.h"
