"""Core page types of a congress portal and their StreamField blocks."""
