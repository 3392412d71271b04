# Integration tests: shell scripts driving the built retort binary.
TEST_EXTENSIONS = .sh
SH_LOG_COMPILER = $(SHELL) $(srcdir)/tests/lib/wrapper.sh
AM_TESTS_ENVIRONMENT = \
	top_builddir='$(abs_top_builddir)'; export top_builddir; \
	top_srcdir='$(abs_top_srcdir)'; export top_srcdir; \
	RETORT='$(abs_top_builddir)/retort'; export RETORT; \
	RETORT_PLUGIN_PATH='$(abs_top_builddir)/plugins:$(abs_top_builddir)/hooks'; export RETORT_PLUGIN_PATH; \
	RETORT_TEST_PLUGIN_DIR='$(abs_top_builddir)/tests/plugins'; export RETORT_TEST_PLUGIN_DIR; \
	LD_BIND_NOW=1; export LD_BIND_NOW;
