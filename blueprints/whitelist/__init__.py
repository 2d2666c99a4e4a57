"""API white list (`/api/system/api_white_list/`)."""
