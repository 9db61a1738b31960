"""Pipeline risk: the risk rules, the customer health weight, the per-rep funnel, lost reasons."""
