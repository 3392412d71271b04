# retort-plugin.mk: build a retort plugin out of tree (installed with retort,
# found through pkg-config; the idea of PostgreSQL's PGXS).  A plugin's
# Makefile is three lines:
#
#     PLUGIN = myplugin
#     SOURCES = myplugin.c
#     include $(shell $(or $(PKG_CONFIG),pkg-config) --variable=mkfile retort-plugin)
#
# Targets: all (PLUGIN.so), install and uninstall (into the plugindir of
# retort-plugin.pc, under $(DESTDIR)), clean.  SOURCES may mix C (.c) and
# C++ (.cc, .cpp); it defaults to PLUGIN.c.  Optional: PLUGIN_PKGS (more
# pkg-config packages the plugin uses, e.g. sqlite3), PLUGIN_LIBS (more
# -l flags), and the usual CC, CXX, CFLAGS, CXXFLAGS, CPPFLAGS, LDFLAGS.
# PKG_CONFIG names the pkg-config to use (e.g. with --define-variable for
# a retort installed under a DESTDIR).

PKG_CONFIG ?= pkg-config

ifeq ($(strip $(PLUGIN)),)
$(error retort-plugin.mk: set PLUGIN (the module's name) before including it)
endif
ifneq ($(shell $(PKG_CONFIG) --exists retort-plugin && echo yes),yes)
$(error retort-plugin.mk: pkg-config finds no retort-plugin: install retort, or set PKG_CONFIG_PATH to the folder of retort-plugin.pc)
endif

SOURCES ?= $(PLUGIN).c

RETORT_CPPFLAGS := $(shell $(PKG_CONFIG) --cflags retort-plugin $(PLUGIN_PKGS))
RETORT_LIBS := $(shell $(PKG_CONFIG) --libs retort-plugin $(PLUGIN_PKGS))
RETORT_PLUGIN_CFLAGS := $(shell $(PKG_CONFIG) --variable=plugin_cflags retort-plugin)
RETORT_PLUGIN_LDFLAGS := $(shell $(PKG_CONFIG) --variable=plugin_ldflags retort-plugin)
plugindir ?= $(shell $(PKG_CONFIG) --variable=plugindir retort-plugin)

CFLAGS ?= -O2 -g
CXXFLAGS ?= -O2 -g
RETORT_WARN ?= -Wall -Wextra

retort_objects := $(addsuffix .o,$(basename $(SOURCES)))
retort_link := $(if $(filter %.cc %.cpp,$(SOURCES)),$(CXX),$(CC))

all: $(PLUGIN).so

$(PLUGIN).so: $(retort_objects)
	$(retort_link) $(RETORT_PLUGIN_CFLAGS) $(CFLAGS) $(RETORT_PLUGIN_LDFLAGS) $(LDFLAGS) -o $@ $(retort_objects) \
		$(RETORT_LIBS) $(PLUGIN_LIBS)

%.o: %.c
	$(CC) $(RETORT_CPPFLAGS) $(CPPFLAGS) $(RETORT_PLUGIN_CFLAGS) $(RETORT_WARN) $(CFLAGS) -MMD -MP -c -o $@ $<

%.o: %.cc
	$(CXX) $(RETORT_CPPFLAGS) $(CPPFLAGS) $(RETORT_PLUGIN_CFLAGS) $(RETORT_WARN) $(CXXFLAGS) -MMD -MP -c -o $@ $<

%.o: %.cpp
	$(CXX) $(RETORT_CPPFLAGS) $(CPPFLAGS) $(RETORT_PLUGIN_CFLAGS) $(RETORT_WARN) $(CXXFLAGS) -MMD -MP -c -o $@ $<

-include $(retort_objects:.o=.d)

install: $(PLUGIN).so
	install -d '$(DESTDIR)$(plugindir)'
	install -m 755 $(PLUGIN).so '$(DESTDIR)$(plugindir)/$(PLUGIN).so'

uninstall:
	rm -f '$(DESTDIR)$(plugindir)/$(PLUGIN).so'

clean:
	rm -f $(PLUGIN).so $(retort_objects) $(retort_objects:.o=.d)

.PHONY: all install uninstall clean
