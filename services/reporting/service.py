"""reporting: a pure consumer. Each producer is a plugin under domains/ (its consumer copies,
projections, reports, reconcile, rebuild snapshot, gauges); this class answers the report RPCs
the plugins declare and runs what is generic over them: catch-up, rebuild and reconcile jobs
(jobs.py), the business gauges.

Thin entrypoints: who is calling, one session or unit of work, one function.
"""
from services.chassis.auth import SYSTEM
from services.chassis.db import Database
from services.chassis.periodic import periodic
from services.chassis.rpc import rpc                # replies without confirms
from services.chassis.service import ChassisService
from services.chassis.validation import load, shared
from services.reporting import (consumer, digest, freshness, gauges, inbox, jobs, periods,
                                 rebuild, schemas, settings)
from services.reporting.domains import METADATA, REPORTS, SOURCES
from services.reporting.domains.analytics.groups import report as customer_groups
from services.reporting.domains.analytics.risk import crossing as churn_risk
from services.reporting.domains.analytics.value import autoapply as value_class_rule
from services.reporting.events import EVENT_SCHEMAS
from services.reporting.preload import AnalyticsLibraries

ADMIN = "admin"          # require() also lets the system principal through
MANAGER = "manager"
GAUGE_LABELS = {}        # labels the business gauges have had in this process (zeroed if gone)


def _report_rpc(report):
    def answer(self, query=None):
        return self._report(report.run, query, report.roles)
    answer.__name__ = answer.__qualname__ = report.rpc
    answer.__doc__ = report.summary
    return rpc(answer)


def with_report_rpcs(cls):
    """One RPC per report the domains declare (services/reporting/plugin.py: Report)."""
    for report in REPORTS.values():
        setattr(cls, report.rpc, _report_rpc(report))
    return cls


@with_report_rpcs
class ReportingService(ChassisService):
    name = "reporting"
    # customer_at_risk (events.py)
    db = Database(METADATA, event_schemas=EVENT_SCHEMAS, packed_events=EVENT_SCHEMAS)
    # every (source, event type) the domains consume: ChassisService makes the live handlers
    # from it — batched, one `on_<source>_events` per source, each on one queue
    # (`evt-<source>--reporting.batch`) bound to all the source's types the domains consume,
    # so a batch is the producer's order: the projections rely on it (a ticket's assignment
    # after its creation), and one queue per type reordered them (queues.BatchEventHandler)
    subscriptions = inbox.SUBSCRIPTIONS
    analytics_libraries = AnalyticsLibraries()      # imported at start, not by a first request

    def consume_events(self, envelopes):
        """The live path's batches: every projection each event feeds, once each, the whole
        batch in one transaction (the per-event commit was most of an event's cost). A failure
        sends the batch event by event (ChassisService.apply_events)."""
        return inbox.consume_all(self.db, envelopes)

    def consume_event(self, envelope):
        """The live path (ChassisService.apply_event) through reporting's per-projection inbox
        (inbox.py): every projection the event feeds, once each, in one transaction. A failure
        is left to the catch-up, which applies it projection by projection."""
        return inbox.consume(self.db, envelope)

    # --- reports (scoped by the caller's principal) --------------------------------------------
    def _report(self, query_function, query, roles=()):
        principal = self.principal.require(*roles)
        with self.db.read_only() as session:
            report = query_function(session, principal, query)
            report["freshness"] = freshness.read(session)
        return report

    @rpc
    def get_freshness(self):
        self.principal.require()
        with self.db.read_only() as session:
            return freshness.read(session)

    @rpc
    def get_customer_group(self, group, query=None):
        """One customer group with every one of the caller's customers in it (marketing makes
        a segment of it: services/reporting/domains/analytics/groups/report.py)."""
        principal = self.principal.require()
        with self.db.read_only() as session:
            return customer_groups.group_members(session, principal, group, query)

    # --- the value-class rule (domains/analytics/value/autoapply.py) -------------------------
    @rpc
    def get_value_class_rule(self):
        principal = self.principal.require(MANAGER)
        with self.db.read_only() as session:
            return shared(schemas.ValueClassRule).dump(value_class_rule.get_rule(session, principal))

    @rpc
    def set_value_class_rule(self, data):
        principal = self.principal.require(MANAGER)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            answer = value_class_rule.set_rule(uow, principal, data)
        return shared(schemas.ValueClassRule).dump(answer)

    # --- administration --------------------------------------------------------------------
    @rpc
    def request_rebuild(self, projections=None):
        principal = self.principal.require(ADMIN)
        data = load(schemas.RebuildRequest,
                    {} if projections is None else {"projections": projections})
        return jobs.request(self.db, principal, "rebuild",
                            {"projections": rebuild.expand(data["projections"])})

    @rpc
    def request_reconcile(self):
        principal = self.principal.require(ADMIN)
        return jobs.request(self.db, principal, "reconcile", {})

    @rpc
    def get_job(self, job_id):
        self.principal.require(ADMIN)
        with self.db.read_only() as session:
            return jobs.get(session, job_id)

    # --- background work ---------------------------------------------------------------------
    def _producers(self, settled=False):
        """events_since per source and any RPC, acting as the system (timers have no caller).
        `settled`: the periodic round, which reads every log to its end — only the events that
        settled (the chassis's event_log: the same rule as every consumer's catch-up); a
        rebuild's or reconcile's fixed target must be reached, so they read everything."""
        self.principal.set(SYSTEM)

        def call(service, method, *args):
            return self.services.call(service, method, *args)
        fetchers = {source: self.event_log(source, settled) for source in SOURCES}
        return fetchers, call

    @periodic(settings.catch_up_seconds)
    def catch_up_events(self):
        fetchers, _call = self._producers(settled=True)
        for source, (_applied, position) in consumer.catch_up_round(self.db, fetchers).items():
            self.metrics.consumer_position(source, position)

    @periodic(settings.job_poll_seconds)
    def run_jobs(self):
        job_id = jobs.claim_next(self.db)
        if job_id:
            jobs.run(self.db, job_id, *self._producers())

    # A timer passes no argument (the wall clock); a test passes a fixed `now`.
    @periodic(settings.digest_check_seconds)
    def send_weekly_digests(self, now=None):
        _fetchers, call = self._producers()
        tz = settings.digest_time_zone()
        return digest.send_digests(self.db, lambda user_id: call("identity", "get_user",
                                                                 user_id)["email"],
                                   periods.today_in(tz, now), tz)

    @periodic(settings.gauge_seconds)
    def refresh_gauges(self):
        with self.db.read_only() as session:
            gauges.refresh_business_gauges(session, GAUGE_LABELS)

    @periodic(settings.churn_risk_seconds)
    def evaluate_churn_risk(self):
        """Score every customer; customer_at_risk for each upward crossing of the threshold."""
        churn_risk.evaluate(self.db)

    # A timer passes no argument (the wall clock); a test passes a fixed `now`.
    @periodic(settings.value_class_rule_seconds)
    def apply_value_class_rule(self, now=None):
        """The suggested classes the rules select, applied through customers as the rule."""
        self.principal.set(value_class_rule.ACTOR)
        return value_class_rule.run(
            self.db, lambda service, method, *args: self.services.call(service, method, *args),
            now)
