/* test_target: being written */
#include "cu.h"
static void test_target__placeholder(void) { CU_PASS("placeholder"); }
static const rt_cu_test tests[] = {{"placeholder", test_target__placeholder}, {NULL, NULL}};
static const rt_cu_suite suites[] = {{"target", tests}, {NULL, NULL}};
RT_CU_MAIN(suites)
