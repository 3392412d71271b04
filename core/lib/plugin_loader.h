#ifndef RT_PLUGIN_LOADER_H
#define RT_PLUGIN_LOADER_H
#endif
