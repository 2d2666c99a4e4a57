"""Role grants: menus, buttons with data scope, and field permissions."""
