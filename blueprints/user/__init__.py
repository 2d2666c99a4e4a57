"""Users and posts (`/api/system/user/`)."""
