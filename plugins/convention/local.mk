# (filled in by the owner of plugins/convention)
