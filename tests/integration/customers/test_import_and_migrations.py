"""The import job end to end (run by its timer entrypoint) and the alembic scripts against the models."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from services.chassis import migrate
from services.chassis.db import make_engine
from services.chassis.errors import NotFound
from services.chassis.models import ChassisBase
from services.customers import search_index
from services.customers.models import Base
from tests.helpers import wait_until
from tests.integration.customers.support import ADMIN, REPS, proxy, publish_reps, rpc

pytestmark = pytest.mark.dialect_sensitive("alembic scripts; the import job's batched writes")

CSV = ("name,email,region,annual_revenue,currency\n"
       "Acme,acme@x.example,EU,10.00,EUR\n"
       "Acme again,ACME@x.example,EU,,\n"
       "Broken,not-an-email,EU,,\n"
       "東京商事,,EU,,\n")


def test_import_job_runs_on_the_timer_and_reports_every_row(services, databases, rabbit_config):
    publish_reps(services, databases)
    with proxy(rabbit_config, ADMIN) as customers:
        job = customers.start_import(CSV)
        assert job["status"] == "pending" and job["total_rows"] == 4
        rpc(services["customers"], "process_imports", ADMIN)   # the import timer's tick, now

        def finished():
            report = customers.get_import(job["id"])
            return report if report["status"] == "done" else None
        done = wait_until(finished, timeout=30, message="the import job to finish")
        assert (done["created"], done["duplicates"], done["failed"], done["processed_rows"]) == (2, 1, 1, 4)
        assert [(e["row"], e["field"]) for e in done["errors"]] == [(3, "email"), (4, "email")]
        owners = {c["name"]: c["owner_id"] for c in customers.list_customers({})["items"]}
        assert owners == {"Acme": "u-rep-a", "東京商事": "u-rep-b"}
    with proxy(rabbit_config, REPS[0]) as customers:
        with pytest.raises(NotFound):
            customers.get_import(job["id"])


def _not_text_index(obj, name, type_, reflected, compare_to):
    """The FTS5 tables, their rowid-order state and the pg_trgm index are created beside the
    models (search_index.py)."""
    return not (type_ == "table" and name.startswith((search_index.FTS_TABLE,
                                                       search_index.ORDER_TABLE))
                or type_ == "index" and name == search_index.TRGM_INDEX)


def test_migrations_create_exactly_the_models(database_url):
    migrate.upgrade("customers", database_url)      # from nothing, not the run's template
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={
                "compare_type": True, "include_object": _not_text_index})
            assert compare_metadata(context, [ChassisBase.metadata, Base.metadata]) == []
    finally:
        engine.dispose()
