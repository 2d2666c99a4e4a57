"""Seed data for ``flask init``: the project's own data files and their loader."""
