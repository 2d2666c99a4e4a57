"""Tests of the dept routes."""
