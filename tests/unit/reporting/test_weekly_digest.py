"""The weekly digest on hand-made data: each manager gets last week's figures of their own
team only (the sales reports run as that manager), once per week however often the timer runs;
a mail that fails is tried again next round."""
from datetime import date, datetime, timezone

from services.reporting import digest
from tests.unit.reporting.support import apply

MONDAY = date(2025, 3, 17)              # the digest of the week of 10 March goes out


def at(day, hour=12):
    return datetime(2025, 3, day, hour, 0, tzinfo=timezone.utc)


def team_week(db, identity, sales):
    events = [identity.user("m1", role="manager", team_id="t1", name="Mia"),
              identity.user("m2", role="manager", team_id="t2", name="Max"),
              identity.user("m3", role="manager", team_id=None),          # no team: no digest
              identity.user("u-a", team_id="t1"), identity.user("u-b", team_id="t2")]
    events += sales.create("a1", "u-a", "120.50", created_at=at(3))
    events += sales.move("a1", "won", at(11))
    events += sales.create("a2", "u-a", "80.00", created_at=at(3))
    events += sales.move("a2", "lost", at(16, 23), "price")                 # Sunday night
    events += sales.create("a3", "u-a", "999.00", created_at=at(3))
    events += sales.move("a3", "won", at(17, 1))                            # this week
    events += sales.create("b1", "u-b", "300.00", created_at=at(3))
    events += sales.move("b1", "won", at(12))
    apply(db, *events)


def test_the_week_before_the_current_one():
    assert digest.last_week(MONDAY) == date(2025, 3, 10)
    assert digest.last_week(date(2025, 3, 23)) == date(2025, 3, 10)       # a Sunday


def test_each_manager_gets_their_teams_week_once(db, identity, sales):
    team_week(db, identity, sales)
    sent = []
    mailed = digest.send_digests(db, lambda user_id: f"{user_id}@example.com", MONDAY, "UTC",
                                 send=sent.append)
    assert mailed == ["m1", "m2"]
    by_to = {message["To"]: message for message in sent}
    mia = by_to["m1@example.com"].get_content()
    assert "Name u-a: 120.50 EUR (1 won)" in mia
    assert "1 won, 1 lost (win rate 50.0 %)" in mia
    assert "999.00" not in mia and "300.00" not in mia          # this week's; the other team's
    assert "Name u-b: 300.00 EUR (1 won)" in by_to["m2@example.com"].get_content()
    assert by_to["m1@example.com"]["Subject"] == "Your team's week of 2025-03-10"
    assert digest.send_digests(db, lambda user_id: f"{user_id}@example.com", MONDAY, "UTC",
                               send=sent.append) == []          # once per manager and week
    assert len(sent) == 2


def test_a_failed_mail_is_tried_again_next_round(db, identity, sales):
    team_week(db, identity, sales)

    def refuse(message):
        raise digest.mail.TransientMailError("421 try later")
    assert digest.send_digests(db, lambda user_id: f"{user_id}@x.example", MONDAY, "UTC",
                               send=refuse) == []
    sent = []
    assert digest.send_digests(db, lambda user_id: f"{user_id}@x.example", MONDAY, "UTC",
                               send=sent.append) == ["m1", "m2"]
