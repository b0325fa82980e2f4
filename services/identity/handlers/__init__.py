"""identity's use cases: plain functions over a unit of work (writes) or a session (reads), one
module per kind of record. No nameko here — service.py checks the caller's role and opens the
transaction; these enforce the record-level rules in their queries."""
