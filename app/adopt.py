"""``flask adopt``: take over a database written by the original django-vue3-admin backend."""

COMMANDS: tuple = ()
