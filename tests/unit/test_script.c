/* test_script: being written */
#include "cu.h"
static void test_script__placeholder(void) { CU_PASS("placeholder"); }
static const rt_cu_test tests[] = {{"placeholder", test_script__placeholder}, {NULL, NULL}};
static const rt_cu_suite suites[] = {{"script", tests}, {NULL, NULL}};
RT_CU_MAIN(suites)
