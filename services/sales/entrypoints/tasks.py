"""Tasks and reminders: tasks on customers and deals, due / overdue lists, the follow-up rules;
the timers announcing due tasks and making birthday tasks; customers' contact events (the
birthdays). A mixin of SalesService (it provides db, principal, services, apply_event).

Each entrypoint: who is calling, one transaction (or a read-only session), one handler.
"""
import logging

from nameko.events import event_handler
from nameko.timer import timer

from services.chassis import settings
from services.chassis.rpc import rpc                # replies without confirms
from services.sales.handlers import birthdays, follow_ups, reminders, tasks

log = logging.getLogger(__name__)
WRITERS = ("sales_rep", "manager")      # require() lets admin and the system through as well


class TaskEntrypoints:
    @rpc
    def create_task(self, data):
        principal = self.principal.require(*WRITERS)
        customer_id = self._visible_customer(data) if isinstance(data, dict) and \
            data.get("customer_id") and not data.get("deal_id") else None
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return tasks.create_task(uow, principal, data, customer_id=customer_id)

    @rpc
    def get_task(self, task_id):
        principal = self.principal.require()
        with self.db.read_only() as session:
            return tasks.get_task(session, principal, task_id)

    @rpc
    def list_tasks(self, query=None):
        principal = self.principal.require()
        with self.db.read_only() as session:
            return tasks.list_tasks(session, principal, query)

    @rpc
    def my_tasks(self, query=None):
        principal = self.principal.require()
        with self.db.read_only() as session:
            return tasks.my_tasks(session, principal, query)

    @rpc
    def update_task(self, task_id, data):
        principal = self.principal.require(*WRITERS)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return tasks.update_task(uow, principal, task_id, data)

    @rpc
    def complete_task(self, task_id):
        principal = self.principal.require(*WRITERS)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return tasks.complete_task(uow, principal, task_id)

    @rpc
    def get_task_rules(self):
        principal = self.principal.require()
        with self.db.read_only() as session:
            return follow_ups.rules(session, principal)

    @rpc
    def replace_task_rules(self, data):
        principal = self.principal.require("admin")
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return follow_ups.replace_rules(uow, principal, data)

    # --- timers ----------------------------------------------------------------------------
    @timer(interval=settings.env_float("SALES_TASK_DUE_CHECK_SECONDS", 60.0))
    def announce_due_tasks(self):
        try:
            return reminders.detect_due_tasks(self.db)
        except Exception:
            log.warning("task due check failed; the next round retries", exc_info=True)

    @timer(interval=settings.env_float("SALES_BIRTHDAY_CHECK_SECONDS", 3600.0))
    def make_birthday_tasks(self):
        try:
            return birthdays.create_birthday_tasks(self.db)
        except Exception:
            log.warning("birthday check failed; the next round retries", exc_info=True)

    # --- customers' events (live path; the catch-up reads customers' log for what it missed)
    @event_handler("customers", "contact_added")
    def on_contact_added(self, envelope):
        return self.apply_event(envelope)

    @event_handler("customers", "customer_assigned")
    def on_customer_assigned(self, envelope):
        return self.apply_event(envelope)

    @event_handler("customers", "customer_merged")
    def on_customer_merged(self, envelope):
        return self.apply_event(envelope)
