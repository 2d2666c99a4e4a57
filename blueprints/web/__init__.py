"""Plain HTTP pages outside the API: ``/media/``, the clause pages and a built SPA."""
