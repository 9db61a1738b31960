"""Questions in natural language: a typed plan, validated, executed over the pipeline, answered with
the records behind every number."""
