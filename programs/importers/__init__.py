"""Importers, one module per source format (see ``findtreatment`` for the national locator)."""
