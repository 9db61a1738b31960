"""Search within the caller's scope over the retrieval engine."""
