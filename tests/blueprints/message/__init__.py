"""Message center routes."""
