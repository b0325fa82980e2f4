"""Segment rules: every problem named at its position (so the 422 says exactly what is wrong),
AND within a group and OR across groups, tags any / all / none, relative dates at a fixed
clock and the moment time alone changes the answer, lifetime value per currency, and the
include / exclude graph's order and cycles."""
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from services.marketing.segments import graph, rules

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)
PROFILE = {"id": "c-1", "region": "North", "industry": "education", "size": 120,
           "value_class": "A", "lifecycle_stage": "customer", "tags": ["Budget>500k", "edu"],
           "products": ["p-1"], "email": "a@b.example", "owner_id": None,
           "created_at": NOW - timedelta(days=10), "last_purchase_at": NOW - timedelta(days=400),
           "last_interaction_at": None, "lifetime_value": {"EUR": Decimal("7500.00")}}


def valid(groups):
    typed, errors = rules.validate(groups)
    assert errors == {}, errors
    return typed


def holds(*conditions):
    return rules.matches(valid([list(conditions)]), PROFILE, NOW)


@pytest.mark.parametrize("condition, expected", [
    ({"field": "region", "op": "eq", "value": "north"}, True),          # case-insensitive
    ({"field": "region", "op": "in", "value": ["south", "NORTH"]}, True),
    ({"field": "region", "op": "neq", "value": "north"}, False),
    ({"field": "owner_id", "op": "neq", "value": "u-1"}, True),         # none differs
    ({"field": "owner_id", "op": "empty"}, True),
    ({"field": "industry", "op": "starts_with", "value": "edu"}, True),
    ({"field": "email", "op": "contains", "value": "@b."}, True),
    ({"field": "size", "op": "gte", "value": 120}, True),
    ({"field": "size", "op": "lt", "value": 100}, False),
    ({"field": "tags", "op": "any", "value": ["budget>500K", "x"]}, True),
    ({"field": "tags", "op": "all", "value": ["edu", "x"]}, False),
    ({"field": "tags", "op": "none", "value": ["competitor"]}, True),
    ({"field": "products", "op": "any", "value": ["p-1"]}, True),
    ({"field": "products", "op": "none", "value": ["p-1"]}, False),
    ({"field": "created_at", "op": "within_last_days", "value": 30}, True),
    ({"field": "created_at", "op": "within_last_days", "value": 9}, False),
    ({"field": "last_purchase_at", "op": "more_than_days_ago", "value": 365}, True),
    ({"field": "last_interaction_at", "op": "within_last_days", "value": 30}, False),
    ({"field": "created_at", "op": "after", "value": "2026-05-01"}, True),
    ({"field": "created_at", "op": "before", "value": "2026-05-01T00:00:00+00:00"}, False),
    ({"field": "lifetime_value", "op": "gte", "value": "7500.00", "currency": "EUR"}, True),
    ({"field": "lifetime_value", "op": "gt", "value": "0", "currency": "USD"}, False),
])
def test_each_operator(condition, expected):
    assert holds(condition) is expected


def test_and_within_a_group_or_across_groups():
    north = {"field": "region", "op": "eq", "value": "north"}
    b_class = {"field": "value_class", "op": "eq", "value": "B"}
    big = {"field": "size", "op": "gt", "value": 100}
    assert rules.matches(valid([[north, b_class]]), PROFILE, NOW) is False
    assert rules.matches(valid([[north, b_class], [big]]), PROFILE, NOW) is True
    assert rules.matches([], PROFILE, NOW) is False                    # no group: nobody


def test_time_alone_changes_the_answer_at_the_boundary():
    groups = valid([[{"field": "created_at", "op": "within_last_days", "value": 30}]])
    edge = rules.next_boundary(groups, PROFILE, NOW)
    assert edge == PROFILE["created_at"] + timedelta(days=30, seconds=1)
    assert rules.matches(groups, PROFILE, edge - timedelta(seconds=2)) is True
    assert rules.matches(groups, PROFILE, edge) is False
    assert rules.next_boundary(groups, PROFILE, edge) is None
    fixed = valid([[{"field": "region", "op": "eq", "value": "north"}]])
    assert rules.next_boundary(fixed, PROFILE, NOW) is None


@pytest.mark.parametrize("groups, where, words", [
    ([[{"field": "colour", "op": "eq", "value": "red"}]], (0, 0, "field"), "Unknown field"),
    ([[{"field": "size", "op": "contains", "value": "1"}]], (0, 0, "op"), "gt, gte"),
    ([[{"field": "size", "op": "gt", "value": "10"}]], (0, 0, "value"), "whole number"),
    ([[{"field": "size", "op": "gt", "value": True}]], (0, 0, "value"), "whole number"),
    ([[{"field": "region", "op": "eq"}]], (0, 0, "value"), "required"),
    ([[{"field": "region", "op": "empty", "value": "x"}]], (0, 0, "value"), "No value"),
    ([[{"field": "tags", "op": "any", "value": []}]], (0, 0, "value"), "list"),
    ([[{"field": "created_at", "op": "before", "value": "yesterday"}]], (0, 0, "value"), "ISO"),
    ([[{"field": "created_at", "op": "after", "value": "2026-01-01T00:00:00"}]],
     (0, 0, "value"), "zone"),
    ([[{"field": "created_at", "op": "within_last_days", "value": -1}]], (0, 0, "value"),
     "days"),
    ([[{"field": "lifetime_value", "op": "gt", "value": "10"}]], (0, 0, "currency"), "ISO 4217"),
    ([[{"field": "lifetime_value", "op": "gt", "value": "1.001", "currency": "EUR"}]],
     (0, 0, "value"), "2 decimals"),
    ([[{"field": "region", "op": "eq", "value": "x", "currency": "EUR"}]], (0, 0, "currency"),
     "Only an amount (lifetime_value)"),
    ([[{"field": "region", "op": "eq", "value": "x", "weight": 2}]], (0, 0, "weight"), "Unknown"),
    ([[{"field": "region", "op": "eq", "value": "x"}], []], (1, "_schema"), "1..50"),
    ([["region = x"]], (0, 0, "_schema"), "object"),
    ({"field": "region"}, ("_schema",), "groups"),
])
def test_a_bad_rule_is_named_at_its_place(groups, where, words):
    typed, errors = rules.validate(groups)
    assert typed is None
    found = errors
    for key in where:
        found = found[key]
    assert any(words in message for message in found), errors


def test_the_second_condition_is_named_even_when_the_first_is_fine():
    _typed, errors = rules.validate([[{"field": "region", "op": "eq", "value": "x"},
                                      {"field": "colour", "op": "eq", "value": "red"}]])
    assert list(errors) == [0] and list(errors[0]) == [1]


def test_graph_order_and_cycles():
    dependencies = {"a": ["b"], "b": ["c"], "c": [], "d": ["a", "c"]}
    order = graph.order(dependencies)
    assert all(order.index(dep) < order.index(node)
               for node, deps in dependencies.items() for dep in deps)
    assert graph.cycle(dependencies, "a") is None
    assert graph.cycle({**dependencies, "c": ["a"]}, "a") == ["a", "b", "c", "a"]
