"""Contracts: a PDF becomes the 12 key fields, diffed against the customer's original requirements."""
