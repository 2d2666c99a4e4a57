"""Message center (`/api/system/message_center/`)."""
