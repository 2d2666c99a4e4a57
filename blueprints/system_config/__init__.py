"""System configuration (`/api/system/system_config/`)."""
