"""Each ticket's SLA state kept by the tickets' own changes (creation, status, agents' replies,
priority), the timer's warnings and breaches (once, however many passes or replicas; a breach
escalates), and the configuration (calendars, policies: validated, published). A fixed clock:
the default calendar is Monday–Friday 09:00–18:00 UTC and T0 (support.py) a Monday 09:00."""
from datetime import timedelta

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import select

from services.chassis.errors import Invalid
from services.service_desk.email_channel.models import TicketMail
from services.service_desk.sla import alarms, handlers
from services.service_desk.sla.models import SlaAlarm, SlaCalendar, SlaPolicyRow
from services.service_desk.tickets.handlers import change, conversation, create, merge, record
from services.service_desk.tickets.models import Ticket
from tests.unit.service_desk import ops
from tests.unit.service_desk.survey_ops import rows
from tests.unit.service_desk.support import (AGENT_A, SUPPORT_MANAGER, T0, apply, count, customer,
                                             events, seeded_db)

H = timedelta(hours=1)
WORKDAYS = ("mon", "tue", "wed", "thu", "fri")


class Clock:
    def __init__(self):
        self.now = T0

    def __call__(self):
        return self.now

    def at(self, moment):
        self.now = moment
        return self


@pytest.fixture
def clock(monkeypatch):
    fixed = Clock()
    for module in (change, conversation, create, merge, record, handlers):
        monkeypatch.setattr(module, "utcnow", fixed)
    return fixed


@pytest.fixture
def db():
    return seeded_db()


def sla(db, ticket_id, now):
    with db.read_only() as session:
        return handlers.get_ticket_sla(session, SUPPORT_MANAGER, ticket_id, now=now)


def fire(db, now):
    return alarms.fire_due(db, now)


def notices(db):
    """The supervisor notices queued (mails of no ticket conversation)."""
    return [row for row in rows(db, TicketMail) if row.ticket_id is None]


def test_a_new_ticket_gets_its_priority_policy_on_business_hours(db, clock):
    ticket = ops.create_ticket(db, AGENT_A, priority="medium", channel="email")
    state = sla(db, ticket["id"], T0 + H)
    assert state["first_response"]["due_at"] == (T0 + 8 * H).isoformat()   # Monday 17:00
    assert state["resolution"]["due_at"] == (T0 + 2 * 24 * H + 6 * H).isoformat()  # Wednesday 15:00
    assert state["first_response"]["consumed_seconds"] == 3600
    assert (state["priority"], state["calendar_id"], state["paused"], state["breached"]) == (
        "medium", "default", False, False)


def test_created_on_a_saturday_the_clock_starts_on_monday(db, clock):
    clock.at(T0 - 2 * 24 * H + 5 * H)                                     # Saturday 14:00
    ticket = ops.create_ticket(db, AGENT_A, priority="urgent", channel="phone")
    assert sla(db, ticket["id"], T0)["first_response"]["due_at"] == (T0 + H / 2).isoformat()


def test_a_pause_moves_the_resolution_due_and_paused_to_resolved_fulfils_it(db, clock):
    ticket = ops.create_ticket(db, AGENT_A, priority="high", channel="email")   # 1 h / 4 h
    clock.at(T0 + H / 2)
    ops.reply(db, AGENT_A, ticket["id"])                                  # first response in time
    ops.move(db, AGENT_A, ticket["id"], "waiting_on_customer")
    paused = sla(db, ticket["id"], T0 + 5 * H)
    assert paused["paused"] and paused["resolution"]["due_at"] is None
    assert paused["first_response"]["status"] == "fulfilled"
    assert paused["resolution"]["consumed_seconds"] == 1800
    clock.at(T0 + 24 * H)                                                 # Tuesday 09:00
    ops.reply(db, AGENT_A, ticket["id"], from_customer=True)              # reopens: clock resumes
    resumed = sla(db, ticket["id"], T0 + 24 * H)
    assert resumed["resolution"]["due_at"] == (T0 + 24 * H + 3.5 * H).isoformat()
    clock.at(T0 + 25 * H)
    ops.move(db, AGENT_A, ticket["id"], "waiting_on_third_party")
    clock.at(T0 + 48 * H)
    ops.move(db, AGENT_A, ticket["id"], "resolved")                       # straight from paused
    done = sla(db, ticket["id"], T0 + 49 * H)
    assert done["resolution"]["status"] == "fulfilled" and done["fulfilled"]
    assert done["resolution"]["consumed_seconds"] == int(1.5 * 3600)
    assert fire(db, T0 + 100 * H) == 0                                    # nothing left to fire


def test_the_timer_warns_then_breaches_once_and_escalates(db, clock):
    ticket = ops.create_ticket(db, AGENT_A, priority="medium", channel="email")  # 8 h first response
    assert fire(db, T0 + 5 * H) == 0
    assert fire(db, T0 + 6 * H) == 1 and fire(db, T0 + 6 * H) == 0       # 75 %: 15:00, once
    (warning,) = [p for name, p in events(db) if name == "ticket_sla_warning"]
    assert (warning["target"], warning["due_at"], warning["occurred_at"]) == (
        "first_response", (T0 + 8 * H).isoformat(), (T0 + 6 * H).isoformat())
    assert fire(db, T0 + 8 * H) == 1                                      # due, not yet breached
    assert fire(db, T0 + 8 * H + timedelta(seconds=1)) == 0
    assert fire(db, T0 + 9 * H) == 0                                      # after 17:00 the alarm …
    with db.read_only() as session:
        breach = session.get(SlaAlarm, (ticket["id"], "first_response", "breach", ""))
        assert breach.fired_at == T0 + 8 * H                              # … fired at its instant
    (breached,) = [p for name, p in events(db) if name == "ticket_sla_breached"]
    assert (breached["target"], breached["previous_priority"], breached["priority"],
            breached["escalated"]) == ("first_response", "medium", "high", True)
    assert ops.get(db, AGENT_A, ticket["id"])["priority"] == "high"
    escalation = ops.history(db, AGENT_A, ticket["id"])["items"][-1]
    assert (escalation["action"], escalation["changed_by"]) == ("escalated", "system")
    updated = [p for name, p in events(db) if name == "ticket_updated"][-1]
    assert (updated["changed"], updated["priority"]) == (["priority"], "high")
    [notice] = notices(db)                        # the supervisor told, in business hours
    assert (notice.address, notice.next_attempt_at, notice.subject) == (
        f"{SUPPORT_MANAGER.user_id}@crm.example", T0 + 8 * H,
        f"SLA breached (first response): {ticket['subject']}")
    assert "Priority raised from medium to high." in notice.body
    state = sla(db, ticket["id"], T0 + 9 * H)
    assert state["breached"] and state["escalated_at"] == (T0 + 8 * H).isoformat()
    # The escalation keeps the policy the ticket was given: no instant breach of a shorter one.
    assert state["priority"] == "medium" and state["resolution"]["status"] == "running"


def test_each_alarm_fired_is_counted_once_by_kind_and_target(db, clock):
    """crm_ticket_sla_alarms_total: what the alert CrmSlaBreachesRising reads."""
    def counted():
        return tuple(REGISTRY.get_sample_value("crm_ticket_sla_alarms_total",
                                               {"kind": kind, "target": "first_response"}) or 0
                     for kind in ("warning", "breach"))

    warnings, breaches = counted()
    ops.create_ticket(db, AGENT_A, priority="medium", channel="email")    # 8 h first response
    assert fire(db, T0 + 6 * H) == 1 and fire(db, T0 + 6 * H) == 0
    assert counted() == (warnings + 1, breaches)
    assert fire(db, T0 + 8 * H) == 1 and fire(db, T0 + 9 * H) == 0
    assert counted() == (warnings + 1, breaches + 1)


def test_a_breach_found_at_night_notifies_the_supervisor_when_the_day_starts(db, clock):
    ticket = ops.create_ticket(db, AGENT_A, priority="urgent", channel="phone")  # 30 min / 4 h
    assert fire(db, T0 + 15 * H) == 4         # the timer was down until 00:00 (an outage)
    assert sorted(notice.subject for notice in notices(db)) == [
        f"SLA breached ({target}): {ticket['subject']}" for target in ("first response",
                                                                        "resolution")]
    for notice in notices(db):
        assert notice.next_attempt_at == T0 + 24 * H                  # Tuesday 09:00
        assert "Priority stays urgent." in notice.body and ticket["id"] in notice.body
    assert fire(db, T0 + 16 * H) == 0 and len(notices(db)) == 2


def test_a_late_reply_before_the_timer_ran_still_breaches_once(db, clock):
    ticket = ops.create_ticket(db, AGENT_A, priority="urgent", channel="phone")  # 30 min
    clock.at(T0 + H)
    ops.reply(db, AGENT_A, ticket["id"])
    assert sla(db, ticket["id"], T0 + H)["first_response"]["status"] == "breached"
    assert fire(db, T0 + H) == 1              # the breach; a warning for a stopped target is moot
    assert [p["target"] for n, p in events(db) if n == "ticket_sla_breached"] == ["first_response"]
    assert fire(db, T0 + H) == 0


def test_a_resolved_ticket_breaching_is_flagged_but_not_raised(db, clock):
    ticket = ops.create_ticket(db, AGENT_A, priority="urgent", channel="phone")  # 2 h resolution
    clock.at(T0 + 3 * H)
    ops.move(db, AGENT_A, ticket["id"], "resolved")
    fire(db, T0 + 3 * H)
    breaches = [p for n, p in events(db) if n == "ticket_sla_breached"]
    assert {p["target"] for p in breaches} == {"first_response", "resolution"}
    assert not any(p["escalated"] for p in breaches)
    assert ops.get(db, AGENT_A, ticket["id"])["priority"] == "urgent"


def test_the_update_rule_starts_after_the_first_response(db, clock):
    with db.unit_of_work() as uow:
        handlers.set_policy(uow, SUPPORT_MANAGER, {"priority": "low", "first_response_seconds": 4 * 3600,
                                                   "resolution_seconds": 72 * 3600,
                                                   "update_every_seconds": 3600})
    ticket = ops.create_ticket(db, AGENT_A, priority="low", channel="email")
    assert fire(db, T0 + 2 * H) == 0                      # no update alarm before the first reply
    clock.at(T0 + 2 * H)
    ops.reply(db, AGENT_A, ticket["id"])
    state = sla(db, ticket["id"], T0 + 2 * H)
    assert state["update"]["due_at"] == (T0 + 3 * H).isoformat()
    assert state["first_response"]["status"] == "fulfilled"
    assert fire(db, T0 + 3 * H) == 2                                      # update: warning, breach
    clock.at(T0 + 4 * H)
    ops.reply(db, AGENT_A, ticket["id"])                                  # a new interval
    assert sla(db, ticket["id"], T0 + 4 * H)["update_breaches"] == 1
    assert fire(db, T0 + 4 * H + 45 * timedelta(minutes=1)) == 1          # its own warning


def test_a_late_update_before_the_timer_ran_is_still_announced(db, clock):
    with db.unit_of_work() as uow:
        handlers.set_policy(uow, SUPPORT_MANAGER, {"priority": "low", "first_response_seconds": 4 * 3600,
                                                   "resolution_seconds": 72 * 3600,
                                                   "update_every_seconds": 3600})
    ticket = ops.create_ticket(db, AGENT_A, priority="low", channel="email")
    for hours in (1, 3):                                  # the second reply comes an hour late
        clock.at(T0 + hours * H)
        ops.reply(db, AGENT_A, ticket["id"])
    assert fire(db, T0 + 3 * H) == 1                      # the first interval's breach, at 10:00 …
    (breach,) = [p for n, p in events(db) if n == "ticket_sla_breached"]
    assert (breach["target"], breach["due_at"]) == ("update", (T0 + 2 * H).isoformat())
    assert fire(db, T0 + 3 * H) == 0                      # … once; the new interval runs
    assert sla(db, ticket["id"], T0 + 3 * H)["update"]["due_at"] == (T0 + 4 * H).isoformat()


def test_a_priority_change_by_a_person_takes_that_policy(db, clock):
    ticket = ops.create_ticket(db, AGENT_A, priority="low", channel="email")
    clock.at(T0 + H / 4)
    ops.update(db, AGENT_A, ticket["id"], priority="urgent")
    state = sla(db, ticket["id"], T0 + H / 4)
    assert state["priority"] == "urgent"
    assert state["first_response"]["due_at"] == (T0 + H / 2).isoformat()   # consumed time kept


def test_value_class_policies_and_calendars(db, clock):
    log = db.logs["customers"]
    apply(db, log.emit("customer_created", customer(id="c-3", name="Initech", value_class="C")))
    with db.unit_of_work() as uow:
        handlers.set_calendar(uow, SUPPORT_MANAGER, "shanghai", {
            "name": "Shanghai office", "time_zone": "Asia/Shanghai",
            "week": {d: [["09:00", "12:00"], ["13:00", "18:00"]] for d in WORKDAYS},
            "holidays": ["2026-03-03"]})
        handlers.set_policy(uow, SUPPORT_MANAGER, {"priority": "medium", "value_class": "A",
                                                   "first_response_seconds": 3600,
                                                   "resolution_seconds": 8 * 3600,
                                                   "calendar_id": "shanghai"})
    class_a = ops.create_ticket(db, AGENT_A, priority="medium", channel="email")          # c-1: A
    class_c = ops.create_ticket(db, AGENT_A, customer_id="c-3", priority="medium", channel="email")
    a_state = sla(db, class_a["id"], T0)
    # Monday 09:00 UTC is 17:00 in Shanghai: one working hour that day (17–18), so 1 h is due then
    assert (a_state["calendar_id"], a_state["first_response"]["due_at"]) == (
        "shanghai", (T0 + H).isoformat())
    # 8 h: 1 h Monday, Tuesday a holiday, Wednesday 09:00–12:00, 13:00–17:00 Shanghai
    assert a_state["resolution"]["due_at"] == (T0 + 2 * 24 * H).isoformat()
    assert sla(db, class_c["id"], T0)["first_response"]["due_at"] == (T0 + 8 * H).isoformat()
    with db.read_only() as session:
        listed = handlers.list_policies(session)
        assert [c["id"] for c in handlers.list_calendars(session)] == ["shanghai"]
    assert [(p["priority"], p["value_class"]) for p in listed][-1] == ("medium", "A")
    assert [n for n, _ in events(db) if n.startswith("sla_")] == ["sla_calendar_set", "sla_policy_set"]


@pytest.mark.parametrize("calendar_id, data, field", [
    ("x", {"name": "X", "time_zone": "Mars/Base", "week": {"mon": [["09:00", "18:00"]]}}, "time_zone"),
    ("x", {"name": "X", "time_zone": "UTC", "week": {"mon": [["09:00", "12:00"], ["11:00", "13:00"]]}},
     "week"),
    ("x", {"name": "X", "time_zone": "UTC", "week": {"monday": [["09:00", "18:00"]]}}, "week"),
    ("x", {"name": "X", "time_zone": "UTC", "week": {"mon": [["9am", "18:00"]]}}, "week"),
    ("x", {"name": "X", "time_zone": "UTC", "week": {}}, "week"),
    ("x" * 41, {"name": "X", "time_zone": "UTC", "week": {"mon": [["09:00", "18:00"]]}}, "id"),
])
def test_a_bad_calendar_is_refused_precisely_and_changes_nothing(db, clock, calendar_id, data, field):
    with pytest.raises(Invalid) as refused, db.unit_of_work() as uow:
        handlers.set_calendar(uow, SUPPORT_MANAGER, calendar_id, data)
    assert field in refused.value.details
    assert count(db, SlaCalendar) == 0


@pytest.mark.parametrize("data, field", [
    ({"priority": "critical", "first_response_seconds": 60, "resolution_seconds": 120}, "priority"),
    ({"priority": "low", "first_response_seconds": 30, "resolution_seconds": 120}, "first_response_seconds"),
    ({"priority": "low", "first_response_seconds": 7200, "resolution_seconds": 3600}, "resolution_seconds"),
    ({"priority": "low", "value_class": "A", "first_response_seconds": 90000,
      "resolution_seconds": 90000}, "resolution_seconds"),                 # slower than low's default
    ({"priority": "low", "first_response_seconds": 60, "resolution_seconds": 120,
      "calendar_id": "nowhere"}, "calendar_id"),
])
def test_a_bad_policy_is_refused_precisely_and_changes_nothing(db, clock, data, field):
    with pytest.raises(Invalid) as refused, db.unit_of_work() as uow:
        handlers.set_policy(uow, SUPPORT_MANAGER, data)
    assert field in refused.value.details
    assert count(db, SlaPolicyRow) == 0


def test_every_ticket_has_a_clock_and_alarms_only_for_running_targets(db, clock):
    ticket = ops.create_ticket(db, AGENT_A, priority="high", channel="email")
    with db.read_only() as session:
        keys = sorted(session.execute(select(SlaAlarm.target, SlaAlarm.kind)).all())
    assert keys == [("first_response", "breach"), ("first_response", "warning"),
                    ("resolution", "breach"), ("resolution", "warning")]
    ops.move(db, AGENT_A, ticket["id"], "waiting_on_customer")
    assert count(db, SlaAlarm) == 0                                       # paused: nothing to fire
    assert count(db, Ticket) == 1
