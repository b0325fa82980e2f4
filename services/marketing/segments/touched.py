"""The contacts a unit of work's events changed, re-evaluated once when the unit ends.

Every event the audience projection applies hands over the contacts it may have changed
(audience/projection.py `handlers(after=...)`); they are collected here and their segments
re-evaluated once, at the end of the unit, in its transaction, before it commits
(UnitOfWork.before_commit). One event in a unit (the per-event path, the one-by-one retry of a
failed batch) is evaluated exactly as before; a batch (the live batches, a catch-up page) costs
one evaluation of the union of its contacts instead of one per event — one set of profile,
member and list queries, one catalogue lock, one compilation of the segments.

What differs from evaluating after every event, and why it is acceptable: the batch commits as
one transaction, so no reader ever saw the states between its events. The history records each
contact's net change over the batch (a contact that would have joined at one event and left at
a later one of the same batch has no rows: it was never a member in any committed state), and
its reason is the type of the event that touched the contact — or, when several types did, all
of them in the order they first came, joined by "+" ("customer_created+customer_assigned"):
the change is their joint effect, and naming one would guess. Automation rules are unaffected:
a run is scheduled per event whatever the segments (automation/handlers/triggering.py) and its
segment conditions are read when it fires, from committed memberships.
"""
from services.chassis.models import utcnow
from services.marketing.segments import membership

KEY = "marketing.segments.touched"


class Touched:
    """The unit's contacts: {contact id: [event types that touched it, first-seen order]}."""

    def __init__(self, session):
        self.session, self.types = session, {}

    def add(self, contact_ids, event_type):
        for contact_id in contact_ids:
            seen = self.types.setdefault(contact_id, [])
            if event_type not in seen:
                seen.append(event_type)

    def reasons(self):
        return {contact_id: "+".join(types) for contact_id, types in self.types.items()}

    def evaluate(self, now=None):
        """Their segments, once; the number of membership changes. The catalogue is taken
        shared first (no edit or list change meanwhile), then nothing is done if there is no
        segment at all — checked after the lock, or an edit committing in between would miss
        this unit's new contacts (its backfill reads the contacts committed before it)."""
        if not self.types:
            return 0
        membership.definitions_fixed(self.session)
        if not membership.any_segment(self.session):
            return 0
        return membership.reevaluate(self.session, list(self.types), self.reasons(),
                                     now or utcnow())


def after_event(uow, contact_ids, envelope):
    """projection.handlers' `after`: the contacts an event changed (their customer's row is
    locked), evaluated when the unit ends."""
    touched = uow.before_commit(KEY, lambda: Touched(uow.session), Touched.evaluate)
    touched.add(contact_ids, envelope["event_type"])
