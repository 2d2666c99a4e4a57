"""The plugin loader and the example plugin (plugins/)."""
