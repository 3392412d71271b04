#ifndef RT_RTCONFIG_H
#define RT_RTCONFIG_H
#endif
