"""Statute import: texts in the national law database's layout -> ``laws/<id>.yml`` (``qingdan import-law``)."""
