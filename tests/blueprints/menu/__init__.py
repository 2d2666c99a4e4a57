"""Tests of the menu, menu_button and column routes."""
