/* test_sqlsplit: being written */
#include "cu.h"
static void test_sqlsplit__placeholder(void) { CU_PASS("placeholder"); }
static const rt_cu_test tests[] = {{"placeholder", test_sqlsplit__placeholder}, {NULL, NULL}};
static const rt_cu_suite suites[] = {{"sqlsplit", tests}, {NULL, NULL}};
RT_CU_MAIN(suites)
