"""Login log and operation log routes, and the retention purge."""
