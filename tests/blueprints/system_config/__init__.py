"""Tests of the system config area and the /api/init/ bootstrap routes."""
