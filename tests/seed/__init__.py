"""Tests of ``flask init``, ``flask createsuperuser`` and the seed data."""
