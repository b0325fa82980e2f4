"""The API gateway: a nameko @http service in front of the CRM services (DESIGN.md §1)."""
