"""Customer groups: k chosen by silhouette on well-separated hand-made groups, each described
from its mean against everyone's; the report groups every buyer of the base
(analytics_support.BASE) company-wide and lists only the caller's customers; the clustering is
done once for every reader until an event or a rebuild changes the read models."""
from datetime import date, datetime, timezone

import pytest

from services.chassis.auth import Principal
from services.chassis.errors import Conflict, Invalid, NotFound
from services.reporting import computed, shadow
from services.reporting.domains.analytics.groups import clusters, features
from services.reporting.domains.analytics.groups.report import group_members, groups
from tests.unit.reporting.analytics_support import load_base, noon
from tests.unit.reporting.support import T0, apply

NAMES = ("recency_days", "frequency", "monetary", "products", "tickets")
ADMIN = Principal("u-admin", "admin")
REP_A = Principal("u-a", "sales_rep", team_id="t1")
# three loyal big buyers, three lapsed small ones with many tickets; products the same for all
TWO = [[5, 10, 10, 1, 0], [6, 11, 9, 1, 0], [4, 9, 11, 1, 1],
       [300, 1, 1, 1, 6], [310, 2, 1, 1, 5], [290, 1, 2, 1, 7]]


def test_two_groups_are_found_and_described():
    found = clusters.cluster(TWO, NAMES)
    assert found["k"] == 2 and found["labels"] == [0, 0, 0, 1, 1, 1]
    assert found["used"] == ["recency_days", "frequency", "monetary", "tickets"]  # products: constant
    assert found["silhouette"][2] == max(found["silhouette"].values())
    loyal, lapsed = clusters.describe(TWO, NAMES, found["labels"])
    assert loyal["description"] == "bought recently, buy often, high value, few support tickets"
    assert lapsed["description"] == ("not bought for a long time, buy seldom, low value, "
                                     "many support tickets")
    recency = loyal["profile"][0]
    # overall mean 152.5, std 147.5 (population): (5 − 152.5) / 147.5 = −1.0
    assert (recency["mean"], recency["overall_mean"], recency["z"]) == (5.0, 152.5, -1.0)


def test_three_groups_when_the_data_has_three():
    three = TWO[:3] + [[150, 5, 5, 3, 2], [151, 5, 6, 3, 2], [149, 6, 5, 3, 2]] + TWO[3:]
    found = clusters.cluster(three, NAMES)
    assert found["k"] == 3 and sorted(found["labels"]) == [0, 0, 0, 1, 1, 1, 2, 2, 2]
    middle = clusters.describe(three, NAMES, found["labels"])[found["labels"][3]]
    assert middle["description"] == "many products"
    assert clusters.cluster(three, NAMES) == found          # fixed seed: the same groups


def test_too_few_or_identical_customers_make_no_groups():
    assert clusters.cluster(TWO[:2], NAMES) is None
    assert clusters.cluster([[1, 1, 1, 1, 1]] * 5, NAMES) is None


@pytest.fixture
def base(db, customers, sales):
    load_base(db, customers, sales)


def run(db, principal, **query):
    with db.read_only() as session:
        return groups(session, principal, {"as_of": "2025-12-31", **query})


def test_report_groups_every_buyer_and_lists_the_callers(db, base):
    report = run(db, ADMIN)
    assert sum(group["size"] for group in report["groups"]) == 6       # c6 never bought
    assert report["not_grouped"] == 1 and report["k"] == len(report["groups"]) >= 2
    assert sorted(member for group in report["groups"] for member in group["members"]) == [
        "c1", "c2", "c3", "c4", "c5", "c7"]
    assert report["features"] == ["recency_days", "frequency", "monetary", "products"]
    mine = run(db, REP_A)
    assert [group["size"] for group in mine["groups"]] == [g["size"] for g in report["groups"]]
    assert sorted(m for group in mine["groups"] for m in group["members"]) == ["c1", "c2", "c3"]
    assert mine["not_grouped"] == 0
    assert [g["members"] for g in run(db, ADMIN, limit=1)["groups"]] == [
        g["members"][:1] for g in report["groups"]]


@pytest.mark.parametrize("query", [{"months": 0}, {"limit": 0}, {"as_of": "x"}, {"k": 3}])
def test_bad_queries_are_refused(db, query):
    with pytest.raises(Invalid):
        run(db, ADMIN, **query)


def counted(monkeypatch):
    calls = []
    real = clusters.cluster
    monkeypatch.setattr(clusters, "cluster", lambda *args: calls.append(1) or real(*args))
    return calls


def test_the_groups_are_clustered_once_for_every_reader_until_the_facts_change(
        db, base, customers, sales, monkeypatch):
    calls = counted(monkeypatch)
    first = run(db, ADMIN)
    assert run(db, ADMIN) == first and len(calls) == 1
    mine = run(db, REP_A)                     # the shared clustering, scoped afterwards
    assert len(calls) == 1
    assert sorted(m for group in mine["groups"] for m in group["members"]) == ["c1", "c2", "c3"]
    run(db, ADMIN, months=6)                  # other parameters: clustered for them
    assert len(calls) == 2
    apply(db, customers.create("c9", owner_id="u-b", region="North", lifecycle_stage="customer"),
          *sales.create("c9-0", "u-b", currency="EUR", created_at=T0, customer_id="c9",
                        lines=[("p1", "p1", "10.00")]),
          *sales.move("c9-0", "won", noon(T0.date())))
    after = run(db, ADMIN)
    assert len(calls) == 3 and sum(g["size"] for g in after["groups"]) == 7


def test_a_rebuild_switch_makes_the_next_request_cluster_again(db, base, monkeypatch):
    calls = counted(monkeypatch)
    run(db, ADMIN)
    with db.engine.begin() as connection:      # what a rebuild's switch does besides the copy
        shadow.bump_generation(connection)
    run(db, ADMIN), run(db, ADMIN)
    assert len(calls) == 2


def test_the_cache_keeps_at_most_its_size(db, base, monkeypatch):
    monkeypatch.setenv("REPORTING_COMPUTED_ENTRIES", "1")
    calls = counted(monkeypatch)
    run(db, ADMIN), run(db, ADMIN, months=6), run(db, ADMIN)     # the first one was dropped
    assert len(calls) == 3 and len(computed.CACHE._entries) == 1


def members(db, principal, group, **query):
    with db.read_only() as session:
        return group_members(session, principal, group, {"as_of": "2025-12-31", **query})


def test_one_group_names_all_the_callers_customers_in_it(db, base):
    report = run(db, ADMIN)
    for number, group in enumerate(report["groups"]):
        found = members(db, ADMIN, number, description=group["description"])
        assert (found["cluster"], found["description"], found["size"]) == (
            number, group["description"], group["size"])
        assert found["customer_ids"] == group["members"] and found["as_of"] == "2025-12-31"
    mine = {m for g in run(db, REP_A)["groups"] for m in g["members"]}
    assert {m for n in range(len(report["groups"]))
            for m in members(db, REP_A, n)["customer_ids"]} == mine


def test_an_unknown_or_changed_group_is_refused(db, base):
    count = len(run(db, ADMIN)["groups"])
    for group in (count, -1, "0", None, True):
        with pytest.raises(NotFound):
            members(db, ADMIN, group)
    with pytest.raises(Conflict) as error:
        members(db, ADMIN, 0, description="something else")
    assert error.value.details == {"field": "description"}
    assert f'is now "{run(db, ADMIN)["groups"][0]["description"]}"' in error.value.message
    with pytest.raises(Invalid):
        members(db, ADMIN, 0, months=0)


def test_interactions_are_a_feature_described_in_words():
    # TWO with an interactions column: the loyal three are in touch, the lapsed ones not
    six = [row + [count] for row, count in zip(TWO, [8, 9, 10, 0, 1, 0])]
    names = (*NAMES, "interactions")
    found = clusters.cluster(six, names)
    assert found["labels"] == [0, 0, 0, 1, 1, 1] and "interactions" in found["used"]
    loyal, lapsed = clusters.describe(six, names, found["labels"])
    assert loyal["description"].endswith("few support tickets, in frequent contact")
    assert lapsed["description"].endswith("many support tickets, seldom in contact")
    # mean 28 / 6 = 4.67, population std √(115.33 / 6) = 4.38: (9 − 4.67) / 4.38 = 0.99
    assert loyal["profile"][-1] == {"feature": "interactions", "mean": 9.0,
                                    "overall_mean": 4.67, "z": 0.99}


def utc(*parts):
    return datetime(*parts, tzinfo=timezone.utc)


def test_the_report_counts_each_customers_interactions_in_the_window(db, base, customers):
    """The window is the local days 2025-01-01 … 2025-12-31 (12 months before 2025-12-31).
    c1: A 2024-12-31 23:30 and E 23:10 UTC (Jan 1 in Berlin), B mid-2025, C 2025-12-31 23:30
    UTC (Jan 1 2026 in Berlin) → UTC B, C = 2; Berlin A, E, B = 3. c4: three in 2025. The
    others none; c6 has no won deal, so is not grouped whatever it does."""
    c1 = [utc(2024, 12, 31, 23, 30), utc(2024, 12, 31, 23, 10), utc(2025, 6, 1, 12),
          utc(2025, 12, 31, 23, 30)]
    apply(db, *(customers.interaction("u-a", occurred_at=at, customer_id="c1") for at in c1),
          *(customers.interaction("u-b", occurred_at=utc(2025, month, 3, 9), customer_id="c4")
            for month in (3, 4, 5)),
          customers.interaction("u-b", occurred_at=utc(2025, 5, 3, 9), customer_id="c6"))
    for tz, expected in (("UTC", 2), ("Europe/Berlin", 3)):
        with db.read_only() as session:
            ids, matrix = features.behaviour(session, tz, date(2025, 12, 31), 12)
        counts = {customer: row[features.NAMES.index("interactions")]
                  for customer, row in zip(ids, matrix)}
        assert counts == {"c1": expected, "c2": 0, "c3": 0, "c4": 3, "c5": 0, "c7": 0}, tz
    report = run(db, ADMIN)
    assert report["features"] == ["recency_days", "frequency", "monetary", "products",
                                  "interactions"]
    profiles = {member: group["profile"] for group in report["groups"]
                for member in group["members"]}
    assert profiles["c1"][-1]["feature"] == "interactions"
    assert profiles["c1"][-1]["overall_mean"] == round(5 / 6, 2)       # (2 + 3) / 6 buyers
