# (filled in by the owner of docs)
