"""Stage 1–3: read, validate and gate the YAML records (yamlio → schema → load → validate → publish → pii)."""
