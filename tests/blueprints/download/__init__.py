"""Tests of the download center."""
