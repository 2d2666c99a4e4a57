"""API whitelist routes."""
