"""Documents for the department and for promotion, made from the same site model as the pages."""
