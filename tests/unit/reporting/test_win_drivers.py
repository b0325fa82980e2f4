"""The win-drivers model on small data whose drivers are known: GTX Pro wins 4 deals in 5, MG
Special 1 in 5, the industry and size say nothing. The odds ratios point that way and say so
in words, the hold-out beats the base rate, open deals are ranked by it; the scope and bad
queries; the model fitted once per scope until an event or a rebuild changes the facts."""
from datetime import datetime, timedelta, timezone

import pytest

from services.chassis.auth import Principal
from services.chassis.errors import Invalid
from services.reporting import shadow
from services.reporting.domains.analytics.drivers import features, model
from services.reporting.domains.analytics.drivers.report import open_deal_odds, win_drivers
from tests.unit.reporting.support import apply

NOW = datetime(2025, 12, 10, 9, 0, tzinfo=timezone.utc)
ADMIN = Principal("u-admin", "admin")
REP_B = Principal("u-b", "sales_rep", team_id="t1")
MANAGER = Principal("u-m", "manager", team_id="t1")
PRODUCTS = {"good": "GTX Pro", "bad": "MG Special"}


@pytest.fixture
def story(db, customers, sales, identity):
    """80 closed deals of u-a (half each product; GTX Pro won 4 in 5, MG Special 1 in 5, each
    outcome spread evenly over two industries and sizes), 4 of u-b, and two open deals of u-a."""
    events = [identity.user("u-a", team_id="t1"), identity.user("u-b", team_id="t1")]
    for customer, industry, size in (("c-retail", "Retail", 20), ("c-tech", "Tech", 5000)):
        events.append(customers.create(customer, industry=industry, size=size, region="EMEA",
                                       owner_id="u-a"))
    start = datetime(2025, 1, 1, tzinfo=timezone.utc)
    for number in range(80):
        product = "good" if number % 2 else "bad"
        won = (number // 2) % 5 < 4 if product == "good" else (number // 2) % 5 == 0
        deal = f"d{number:02d}"
        events += sales.create(deal, "u-a", customer_id=("c-retail", "c-tech")[(number // 10) % 2],
                               created_at=start + timedelta(days=number),
                               lines=[(product, PRODUCTS[product], "100.00")])
        events += sales.move(deal, "won" if won else "lost", start + timedelta(days=number + 20),
                             None if won else "price")
    for number in range(4):
        events += sales.create(f"b{number}", "u-b", customer_id="c-tech", created_at=start)
        events += sales.move(f"b{number}", "won", start + timedelta(days=5))
    for deal, product in (("open-good", "good"), ("open-bad", "bad")):
        events += sales.create(deal, "u-a", customer_id="c-retail", created_at=NOW - timedelta(days=3),
                               lines=[(product, PRODUCTS[product], "250.00")])
    apply(db, *events)
    return db


def run(db, function, principal=ADMIN, **query):
    with db.read_only() as session:
        return function(session, principal, query, now=NOW)


def test_the_known_driver_points_the_right_way_in_words(story):
    report = run(story, win_drivers, factor=["product", "industry"])
    assert (report["closed_deals"], report["won"]) == (84, 44)
    assert report["base_rate"] == pytest.approx(44 / 84, abs=1e-4)
    factors = {(f["factor"], f["value"]): f for f in report["factors"]}
    good, bad = factors[("product", "GTX Pro")], factors[("product", "MG Special")]
    assert good["odds_ratio"] > 2 and bad["odds_ratio"] < 0.5
    assert (good["deals"], good["won"], good["win_rate"]) == (40, 32, 0.8)
    assert good["detail"].startswith("Deals for GTX Pro have ")
    assert good["detail"].endswith("× the odds of winning of the average deal (32 won of 40 closed)")
    retail = factors[("industry", "Retail")]
    assert 0.5 < retail["odds_ratio"] < 2        # says little next to the product
    assert report["factors"][0]["factor"] == "product"          # the strongest first
    holdout = report["holdout"]
    assert (holdout["train"], holdout["test"]) == (63, 21)
    assert holdout["auc"] > 0.75 and holdout["accuracy"] > holdout["majority_accuracy"]


def test_open_deals_are_ranked_by_their_modelled_odds(story):
    report = run(story, open_deal_odds)
    assert [row["deal_id"] for row in report["rows"]] == ["open-good", "open-bad"]
    good, bad = report["rows"]
    assert good["win_probability"] > 0.6 > 0.4 > bad["win_probability"]
    assert good["top_factors"][0]["label"] == "GTX Pro" and good["amount"] == "250.00"
    assert good["owner_name"] == "Name u-a" and report["closed_deals"] == 84


def test_a_scope_too_small_for_a_model_says_why(story):
    report = run(story, win_drivers, REP_B)
    assert report["closed_deals"] == 4 and report["holdout"] is None
    assert report["reason"].startswith("Too few closed deals to fit a model: 4")
    assert run(story, open_deal_odds, REP_B)["rows"] == []


def test_age_and_size_bands():
    assert features.band(None, features.SIZE_BANDS) == "unknown"
    assert features.band(49, features.SIZE_BANDS) == "fewer than 50 employees"
    assert features.band(1000, features.SIZE_BANDS) == "1,000+ employees"
    assert features.band(30, features.AGE_BANDS) == "30–89 days"
    assert not model.fittable([])


@pytest.mark.parametrize("function, query, field", [
    (win_drivers, {"factor": ["colour"]}, "factor"), (win_drivers, {"min_deals": 0}, "min_deals"),
    (win_drivers, {"limit": 201}, "limit"), (open_deal_odds, {"limit": 0}, "limit"),
    (open_deal_odds, {"stage": "x"}, "stage")])
def test_bad_queries_are_refused_precisely(story, function, query, field):
    with pytest.raises(Invalid) as error:
        run(story, function, **query)
    assert field in error.value.details


def counted(monkeypatch):
    """Every logistic regression fitted (the model on all closed deals, the hold-out's)."""
    fits = []
    real = model._fit
    monkeypatch.setattr(model, "_fit", lambda *args: fits.append(1) or real(*args))
    return fits


def test_the_model_is_fitted_once_per_scope_until_an_event_changes_the_facts(
        story, sales, monkeypatch):
    fits = counted(monkeypatch)
    first = run(story, win_drivers)
    assert len(fits) == 2                                   # the model and the hold-out's
    assert run(story, win_drivers) == first and run(story, open_deal_odds)["rows"]
    assert len(fits) == 2
    assert run(story, win_drivers, REP_B)["closed_deals"] == 4       # their own deals only
    team = run(story, open_deal_odds, MANAGER)          # another scope: a model of its own
    assert len(fits) == 3 and team["closed_deals"] == 84
    apply(story, *sales.create("late", "u-a", customer_id="c-retail", created_at=NOW),
          *sales.move("late", "lost", NOW, "price"))
    assert run(story, win_drivers)["closed_deals"] == 85 and len(fits) == 5
    assert run(story, win_drivers, REP_B)["closed_deals"] == 4


def test_a_rebuild_switch_makes_the_next_request_fit_again(story, monkeypatch):
    fits = counted(monkeypatch)
    run(story, open_deal_odds)
    with story.engine.begin() as connection:   # what a rebuild's switch does besides the copy
        shadow.bump_generation(connection)
    run(story, open_deal_odds), run(story, open_deal_odds)
    assert len(fits) == 2
