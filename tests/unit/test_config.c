/* test_config: being written */
#include "cu.h"
static void test_config__placeholder(void) { CU_PASS("placeholder"); }
static const rt_cu_test tests[] = {{"placeholder", test_config__placeholder}, {NULL, NULL}};
static const rt_cu_suite suites[] = {{"config", tests}, {NULL, NULL}};
RT_CU_MAIN(suites)
