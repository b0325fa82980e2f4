"""Customer groups: k chosen by silhouette on well-separated hand-made groups, each described
from its mean against everyone's; the report groups every buyer of the base
(analytics_support.BASE) company-wide and lists only the caller's customers."""
import pytest

from services.chassis.auth import Principal
from services.chassis.errors import Invalid
from services.reporting.domains.analytics.groups import clusters
from services.reporting.domains.analytics.groups.report import groups
from tests.unit.reporting.analytics_support import load_base

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
