"""``flask init`` and ``flask createsuperuser``."""

COMMANDS: tuple = ()
