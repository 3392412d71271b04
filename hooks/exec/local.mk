# (filled in by the owner of hooks/exec)
