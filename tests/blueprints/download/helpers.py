"""Helpers of the download-center tests."""


def stored_files(root):
    """Relative paths of every file under ``root``."""
    if not root.exists():
        return []
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
