"""The same mail delivered twice at the same moment to two replicas, and two replicas' send
timers firing together, on a migrated PostgreSQL database (SQLite serialises writers anyway):
one ticket and one `duplicate` answer — the second waits on the first's Message-ID row, never
a unique-violation 5xx; each pending reply is sent once."""
import eventlet
import pytest

from services.chassis.db import make_engine
from services.service_desk.email_channel import outbound
from services.service_desk.tickets.models import Ticket
from tests.unit.service_desk import ops
from tests.unit.service_desk.support import SUPPORT_MANAGER, count, desk_db, seeded_db
from tests.unit.service_desk.test_email import mails, raw, receive


@pytest.fixture
def replicas(migrated_database, monkeypatch):
    monkeypatch.setenv("SMTP_FROM", "Support <support@desk.example>")
    url = migrated_database("service_desk", "postgresql")
    engines = [make_engine(url), make_engine(url)]
    first = seeded_db(engines[0])
    yield first, desk_db(engines[1])
    for engine in engines:
        engine.dispose()


@pytest.mark.postgres
def test_the_same_mail_at_two_replicas_at_once_is_one_ticket(replicas):
    for attempt in range(5):
        message = raw(message_id=f"<race-{attempt}@acme.example>")
        answers = [thread.wait() for thread in
                   [eventlet.spawn(receive, db, message) for db in replicas]]
        assert sorted(answer["outcome"] for answer in answers) == ["created", "duplicate"]
        assert answers[0]["ticket_id"] == answers[1]["ticket_id"]
    assert count(replicas[0], Ticket) == 5


class SlowServer:
    def __init__(self):
        self.sent = []

    def __call__(self, message):
        eventlet.sleep(0.05)            # the other replica runs meanwhile
        self.sent.append(message["Message-ID"])


@pytest.mark.postgres
def test_two_replicas_send_each_pending_reply_once(replicas):
    one, two = replicas
    for n in range(6):
        ticket_id = receive(one, raw(message_id=f"<t{n}@acme.example>"))["ticket_id"]
        ops.reply(one, SUPPORT_MANAGER, ticket_id, body=f"Answer {n}")
    server = SlowServer()
    due = max(row.next_attempt_at for row in mails(one, "out"))
    results = [thread.wait() for thread in
               [eventlet.spawn(outbound.send_due, db, due, server) for db in (one, two)]]
    assert sum(result["sent"] for result in results) == 6
    assert sorted(server.sent) == sorted(row.message_id for row in mails(one, "out"))
    assert {row.status for row in mails(one, "out")} == {"sent"}
