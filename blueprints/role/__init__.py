"""Roles (`/api/system/role/`)."""
