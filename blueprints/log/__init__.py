"""Operation and login logs (`/api/system/operation_log/`, `login_log`)."""
