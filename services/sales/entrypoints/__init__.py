"""Mixins of @rpc entrypoints that SalesService inherits (one per area, kept out of service.py)."""
