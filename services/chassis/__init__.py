"""The small toolkit every CRM service is built from (DESIGN.md §3)."""
