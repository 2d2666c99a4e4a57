"""Departments (`/api/system/dept/`)."""
