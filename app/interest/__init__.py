"""Expressions of interest: the public form (public) and the staff inbox (inbox)."""
