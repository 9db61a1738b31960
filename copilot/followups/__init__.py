"""Follow-ups: interactions in, the five fields, quality and signals out."""
