# docs/: the man pages, ARCHITECTURE.md, and the out-of-tree example
# plugin's sources (examples/dialect is built by tests/integration/sdk.sh
# against the installed SDK, never by this build).
dist_man_MANS = docs/retort.1 docs/retort.conf.5 docs/retort-plugin.7
EXTRA_DIST += docs/ARCHITECTURE.md
EXTRA_DIST += examples/dialect/Makefile examples/dialect/exampledb.c examples/dialect/README.md
