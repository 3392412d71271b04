#ifndef RT_RUNNER_H
#define RT_RUNNER_H
#endif
