"""Menus, menu buttons and menu fields (`/api/system/menu/`, `menu_button`, `column`)."""
