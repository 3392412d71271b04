# (filled in by the owner of tests/plugins)
