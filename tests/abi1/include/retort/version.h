/* Frozen copy: <retort/version.h> as retort 0.1.0 installed it (plugin ABI 1). */
#ifndef RETORT_VERSION_H
#define RETORT_VERSION_H

#define RETORT_VERSION "0.1.0"
/** Bump on ANY incompatible change of the plugin ABI (see retort-plugin(7)). */
#define RETORT_PLUGIN_ABI_VERSION 1u

#endif
