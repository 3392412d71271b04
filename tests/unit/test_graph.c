/* test_graph: being written */
#include "cu.h"
static void test_graph__placeholder(void) { CU_PASS("placeholder"); }
static const rt_cu_test tests[] = {{"placeholder", test_graph__placeholder}, {NULL, NULL}};
static const rt_cu_suite suites[] = {{"graph", tests}, {NULL, NULL}};
RT_CU_MAIN(suites)
