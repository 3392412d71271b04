# etc/: the sample configuration and the bash completion.
#
# retort.conf.sample goes to $(sysconfdir)/retort/; the completion is
# installed as $(datadir)/bash-completion/completions/retort (the name
# bash-completion looks up for the `retort` command), so it is copied to
# that name in the build tree first.
retortsysconfdir = $(sysconfdir)/retort
dist_retortsysconf_DATA = etc/retort.conf.sample

bashcompletiondir = $(datadir)/bash-completion/completions
bashcompletion_DATA = etc/completion/retort
EXTRA_DIST += etc/retort.bash-completion
CLEANFILES += etc/completion/retort

etc/completion/retort: $(srcdir)/etc/retort.bash-completion
	$(AM_V_GEN)$(MKDIR_P) etc/completion && cp $(srcdir)/etc/retort.bash-completion $@
