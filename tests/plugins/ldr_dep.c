/* libldrdep.so for tests/integration/loader.sh: the library a test module depends on, then removed. */
int ldr_dep_value(void);
int ldr_dep_value(void)
{
	return 1;
}
