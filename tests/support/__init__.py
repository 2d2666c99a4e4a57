"""Test-only helpers: a probe resource over the core, factories."""
