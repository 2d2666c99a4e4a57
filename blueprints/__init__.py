"""Feature blueprints, one package per system area of the original."""
