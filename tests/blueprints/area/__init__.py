"""Tests of the area routes and of ``flask init-area``."""
