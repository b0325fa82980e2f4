"""customers' use cases, one module per business operation the service's entrypoints call:
plain functions over a session (reads) or a unit of work (writes); no nameko here. What they
share lives beside them: queries/ (scopes, list filters, views), duplicates.py,
parent_companies.py, normalize.py, search_index.py, users_copy.py, settings.py."""
