"""``flask adopt`` against a database the original backend wrote (MariaDB)."""
