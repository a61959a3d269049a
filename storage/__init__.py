"""Storage: the object store, the records database and full-text search."""
