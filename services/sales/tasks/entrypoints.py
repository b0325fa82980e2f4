"""Tasks and reminders: tasks on customers and deals, due / overdue lists, the follow-up rules;
the timers announcing due tasks and making birthday tasks. A mixin of SalesService (it provides
db, principal, services, and DealEntrypoints' _visible_customer). customers' contact events
(the birthdays) are consumed through the service's subscriptions (service.py; the chassis
makes their live handlers).

Each entrypoint: who is calling, one transaction (or a read-only session), one handler.
"""
from services.chassis.periodic import periodic
from services.chassis.rpc import rpc  # replies without confirms
from services.sales import settings
from services.sales.tasks.handlers import birthdays, follow_ups, reminders, tasks

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
    # A timer runs a job with no argument (the real time); a test passes a fixed `now` / `today`
    # through entrypoint_hook instead of depending on today's date.
    @periodic(settings.task_due_check_seconds)
    def announce_due_tasks(self, now=None):
        return reminders.detect_due_tasks(self.db, now)

    @periodic(settings.birthday_check_seconds)
    def make_birthday_tasks(self, today=None):
        return birthdays.create_birthday_tasks(self.db, today)
