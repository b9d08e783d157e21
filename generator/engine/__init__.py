"""Stage 6: the site engine (MkDocs + Material, in ``mkdocs_adapter`` only) and the check of its output."""
