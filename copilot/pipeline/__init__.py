"""The pipeline: customers, deals and their stages, requirements, import, the customer file."""
