"""Tests of the dictionary area."""
