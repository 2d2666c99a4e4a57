"""Tests of the grant routes: menus, buttons, data ranges and column grants."""
