"""Validation of xAPI requests at the edge."""
