"""Tests of uploads, /media/, the clause pages and the SPA serving."""
