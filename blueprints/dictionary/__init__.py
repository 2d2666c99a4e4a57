"""Dictionaries (`/api/system/dictionary/`)."""
