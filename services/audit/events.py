"""audit publishes no events: it is a pure consumer (docs/contracts.md#audit)."""
EVENT_SCHEMAS = {}
