"""identity: users, teams, password login (JWT), API keys. See docs/contracts.md#identity."""
