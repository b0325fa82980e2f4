"""reporting: KPI read models built from every producer's events (DESIGN.md §1)."""
