# docs/: the man pages, ARCHITECTURE.md, and the out-of-tree example
# plugins' sources (examples/dialect, policy, formatter, hook are built by
# tests/integration/sdk.sh against the installed SDK, never by this build).
dist_man_MANS = docs/retort.1 docs/retort.conf.5 docs/retort-plugin.7
EXTRA_DIST += docs/ARCHITECTURE.md docs/recipes.md docs/distributed-sql.md
EXTRA_DIST += examples/dialect/Makefile examples/dialect/exampledb.c examples/dialect/README.md
EXTRA_DIST += examples/policy/Makefile examples/policy/examplepolicy.c examples/policy/README.md \
	examples/formatter/Makefile examples/formatter/exampleformat.c examples/formatter/README.md \
	examples/hook/Makefile examples/hook/examplenotify.c examples/hook/README.md
EXTRA_DIST += examples/project/retort.conf examples/project/migrations/versions/0001_create_org_and_account.conf \
	examples/project/migrations/versions/0002_seed_and_audit.conf \
	examples/project/migrations/versions/0003_indexes_and_cleanup.conf \
	examples/project/migrations/versions/0004_tighten_constraints.conf
