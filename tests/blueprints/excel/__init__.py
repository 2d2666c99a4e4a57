"""Excel export, import templates and import for users and depts."""
