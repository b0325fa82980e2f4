"""DB_RANDOM_PAGE_COST: the planner's price of an out-of-order page read that make_engine sets on
each PostgreSQL connection (tests/integration/customers/test_filter_walk_plan.py shows why)."""
import pytest

from services.chassis import settings


def test_the_cost_defaults_to_an_ssd_s_and_server_leaves_the_server_s_own(monkeypatch):
    monkeypatch.delenv("DB_RANDOM_PAGE_COST", raising=False)
    assert settings.db_random_page_cost() == 1.1
    monkeypatch.setenv("DB_RANDOM_PAGE_COST", "4")
    assert settings.db_random_page_cost() == 4.0
    monkeypatch.setenv("DB_RANDOM_PAGE_COST", "Server")
    assert settings.db_random_page_cost() is None


@pytest.mark.parametrize("value", ["0", "-1", "fast"])
def test_a_cost_that_is_not_a_positive_number_is_refused(monkeypatch, value):
    monkeypatch.setenv("DB_RANDOM_PAGE_COST", value)
    with pytest.raises(ValueError, match="DB_RANDOM_PAGE_COST"):
        settings.db_random_page_cost()
