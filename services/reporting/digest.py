"""The weekly digest (issue 17 §9): every active manager with a team gets last week's figures
of their team by mail, once — won revenue per rep and currency, won / lost and win rate —
computed by the sales reports themselves as that manager (so exactly what the manager's own
reports show for the week: their scope), mailed through the shared mail module.

Once per manager and week across replicas: a `digest_sent` row is claimed (inserted) before the
mail goes; a replica whose insert conflicts skips that manager; a mail that fails drops the
claim, and the next round tries again. The week is the ISO week (Monday to Sunday) before the
one containing `today`, in REPORTING_DIGEST_TZ.
"""
import logging
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from services.chassis import mail
from services.chassis.auth import Principal
from services.reporting.domains.identity.models import UserCopy
from services.reporting.domains.sales.queries import deals
from services.reporting.models import DigestSent

log = logging.getLogger(__name__)


def last_week(today):
    """The Monday of the ISO week before the one containing `today`."""
    return today - timedelta(days=today.weekday() + 7)


def figures(session, manager, week, tz):
    """(revenue rows, win-rate rows, win-rate totals) of the manager's scope in the week."""
    query = {"from": week.isoformat(), "to": (week + timedelta(days=6)).isoformat(), "tz": tz,
             "granularity": "total", "group_by": ["owner_id"]}
    revenue = deals.revenue(session, manager, dict(query))
    rates = deals.win_rate(session, manager, dict(query))
    return revenue["rows"], rates["rows"], rates["totals"]


def compose(name, week, revenue, rates, totals):
    """(subject, text) of one manager's digest."""
    end = week + timedelta(days=6)
    lines = [f"Hello {name or ''},".replace(" ,", ","), "",
             f"Your team's week {week.isoformat()} to {end.isoformat()}:", ""]
    if revenue:
        lines.append("Won revenue:")
        lines += [f"  {row.get('owner_name') or row['owner_id']}: {row['revenue']} "
                  f"{row['currency']} ({row['won']} won)" for row in revenue]
    else:
        lines.append("Won revenue: none.")
    rate = "n/a" if totals["win_rate"] is None else f"{totals['win_rate'] * 100:.1f} %"
    lines += ["", f"Deals closed: {totals['won']} won, {totals['lost']} lost (win rate {rate})."]
    lines += [f"  {row.get('owner_name') or row['owner_id']}: {row['won']} won, {row['lost']} lost"
              for row in rates]
    lines += ["", "The reports API has the details: GET /api/v1/reports/sales/revenue."]
    return f"Your team's week of {week.isoformat()}", "\n".join(lines) + "\n"


def managers(session):
    return list(session.execute(
        select(UserCopy.id, UserCopy.name, UserCopy.team_id)
        .where(UserCopy.role == "manager", UserCopy.active.is_(True),
               UserCopy.team_id.is_not(None)).order_by(UserCopy.id)))


def _claim(db, manager_id, week):
    try:
        with db.unit_of_work() as uow:
            uow.session.add(DigestSent(manager_id=manager_id, week=week))
        return True
    except IntegrityError:           # sent already, or another replica is sending it
        return False


def _release(db, manager_id, week):
    with db.unit_of_work() as uow:
        uow.session.execute(delete(DigestSent).where(DigestSent.manager_id == manager_id,
                                                     DigestSent.week == week))


def send_digests(db, email_of, today, tz, send=mail.send):
    """Mails last week's digest to each manager not mailed yet; returns the ids mailed.
    `email_of(user_id)`: the address (identity's); `send(message)`: the mail module's."""
    week, mailed = last_week(today), []
    with db.read_only() as session:
        people = managers(session)
    for manager_id, name, team_id in people:
        if not _claim(db, manager_id, week):
            continue
        try:
            with db.read_only() as session:
                subject, text = compose(name, week, *figures(
                    session, Principal(manager_id, "manager", team_id=team_id), week, tz))
            send(mail.build_message(to=email_of(manager_id), subject=subject, text=text,
                                    message_id=mail.message_id(f"digest/{manager_id}/{week}")))
            mailed.append(manager_id)
        except Exception:
            _release(db, manager_id, week)
            log.warning("weekly digest for %s not sent; the next round retries", manager_id,
                        exc_info=True)
    return mailed
