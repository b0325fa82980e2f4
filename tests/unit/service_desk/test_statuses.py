"""The status flow: categories as Frappe groups them, closed final, nothing back to new, a
customer's reply reopens paused and resolved tickets (not closed ones)."""
import pytest

from services.service_desk.tickets import statuses as s


def test_categories():
    assert {status: s.category(status) for status in s.STATUSES} == {
        "new": "open", "open": "open", "waiting_on_customer": "paused",
        "waiting_on_third_party": "paused", "resolved": "resolved", "closed": "resolved"}


@pytest.mark.parametrize("current, target", [
    ("new", "open"), ("new", "resolved"), ("open", "waiting_on_customer"),
    ("waiting_on_customer", "waiting_on_third_party"), ("waiting_on_customer", "resolved"),
    ("waiting_on_third_party", "open"), ("resolved", "open"), ("resolved", "closed"),
    ("open", "closed")])
def test_allowed_moves(current, target):
    assert s.may_move(current, target)


@pytest.mark.parametrize("current, target", [
    ("open", "new"), ("resolved", "new"), ("closed", "open"), ("closed", "resolved"),
    ("resolved", "waiting_on_customer"), ("closed", "new")])
def test_illegal_moves(current, target):
    assert not s.may_move(current, target)


def test_which_statuses_a_customer_reply_reopens():
    assert {status for status in s.STATUSES if s.reopens_on_customer_reply(status)} == {
        "waiting_on_customer", "waiting_on_third_party", "resolved"}
