/* test_url: being written */
#include "cu.h"
static void test_url__placeholder(void) { CU_PASS("placeholder"); }
static const rt_cu_test tests[] = {{"placeholder", test_url__placeholder}, {NULL, NULL}};
static const rt_cu_suite suites[] = {{"url", tests}, {NULL, NULL}};
RT_CU_MAIN(suites)
