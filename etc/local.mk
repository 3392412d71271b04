# (filled in by the owner of etc)
