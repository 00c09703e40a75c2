"""Languages: the locale of a page and the translations of content (content.py)."""
