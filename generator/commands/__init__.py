"""Staff commands beyond build/check/serve: each module holds one command group."""
