"""Stage 4: score the published records against the rubric (rubric data → rules → score → export)."""
