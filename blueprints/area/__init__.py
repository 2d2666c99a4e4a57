"""Areas (`/api/system/area/`)."""
