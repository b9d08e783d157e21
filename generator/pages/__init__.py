"""Stage 5: render the site model into Markdown pages and files (output, registry, producers, templates)."""
