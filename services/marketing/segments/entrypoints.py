"""Segments: marketers (and admins) define them and manage static lists; managers read them,
their members and history. A mixin of MarketingService (it provides db, principal); the
memberships follow the audience's events (service.py), relative dates (the recheck timer) and
a new or redefined segment's evaluation over every contact (the backfill timer).
"""
import logging
import time

from services.chassis.models import utcnow
from services.chassis.periodic import periodic
from services.chassis.rpc import rpc  # replies without confirms
from services.marketing import roles, settings
from services.marketing.segments import backfill, membership
from services.marketing.segments.handlers import definitions, from_group, lists, members

log = logging.getLogger(__name__)


class SegmentEntrypoints:
    @rpc
    def create_segment(self, data):
        principal = self.principal.require(*roles.MANAGE)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return definitions.create_segment(uow, principal, data)

    @rpc
    def create_segment_from_customer_group(self, group, data=None):
        """A static list of the contacts of a customer group's customers in the caller's scope
        (reporting names them; segments/handlers/from_group.py)."""
        principal = self.principal.require(*roles.FROM_GROUP)
        number, query, name = from_group.group_query(group, data)
        found = self.services.call("reporting", "get_customer_group", number, query)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return from_group.create_segment(uow, principal, found, name)

    @rpc
    def update_segment(self, segment_id, data):
        principal = self.principal.require(*roles.MANAGE)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return definitions.update_segment(uow, principal, segment_id, data)

    @rpc
    def delete_segment(self, segment_id):
        principal = self.principal.require(*roles.MANAGE)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return definitions.delete_segment(uow, principal, segment_id)

    @rpc
    def get_segment(self, segment_id):
        principal = self.principal.require(*roles.READ)
        with self.db.read_only() as session:
            return definitions.get_segment(session, principal, segment_id)

    @rpc
    def list_segments(self, query=None):
        principal = self.principal.require(*roles.READ)
        with self.db.read_only() as session:
            return definitions.list_segments(session, principal, query)

    @rpc
    def list_segment_members(self, segment_id, query=None):
        principal = self.principal.require(*roles.READ)
        with self.db.read_only() as session:
            return members.list_members(session, principal, segment_id, query)

    @rpc
    def add_segment_members(self, segment_id, data):
        principal = self.principal.require(*roles.MANAGE)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return members.add_members(uow, principal, segment_id, data)

    @rpc
    def import_segment_members(self, segment_id, csv_text):
        principal = self.principal.require(*roles.MANAGE)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return lists.import_members(uow, principal, segment_id, csv_text)

    @rpc
    def remove_segment_members(self, segment_id, data):
        principal = self.principal.require(*roles.MANAGE)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return members.remove_members(uow, principal, segment_id, data)

    @rpc
    def list_segment_history(self, segment_id, query=None):
        principal = self.principal.require(*roles.READ)
        with self.db.read_only() as session:
            return members.membership_history(session, principal, segment_id, query)

    @periodic(settings.segment_recheck_seconds)
    def recheck_relative_dates(self):
        """The contacts whose relative-date rule reached its edge (recheck_at), and only them."""
        with self.db.unit_of_work() as uow:
            now = utcnow()
            due = membership.due_for_recheck(uow.session, now)
            changed = 0
            if due:
                membership.lock_customers_of(uow.session, due)
                membership.definitions_fixed(uow.session)
                changed = membership.reevaluate(uow.session, due, "time", now)
        if changed:
            log.info("segments: %s membership change(s) from relative dates", changed)

    @periodic(settings.segment_backfill_seconds)
    def evaluate_segments(self):
        """New or redefined segments evaluated for every contact, a chunk per transaction, until
        none is left or the round's time is up (the next round carries on); every replica runs
        it, and each chunk is taken by one (segments/backfill.py)."""
        return backfill.run(self.db, settings.segment_backfill_chunk(),
                             deadline=time.monotonic() + backfill.ROUND_SECONDS)

