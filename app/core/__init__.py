"""Cross-cutting core: envelope, errors, auth, pagination, filters, models, store."""
