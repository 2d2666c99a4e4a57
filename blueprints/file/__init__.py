"""Uploaded files (`/api/system/file/`)."""
