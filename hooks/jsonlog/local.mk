# (filled in by the owner of hooks/jsonlog)
