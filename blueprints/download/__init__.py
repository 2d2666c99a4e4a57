"""Download center (`/api/system/download_center/`)."""
