"""No secret in what the system prints: logs.safe_url masks every URL's password (database,
broker, webhook); and `make run`'s terminal listener prefixes each service's lines."""
import io

import pytest

from services.chassis.logs import safe_url
from services.terminal_log import Prefixer, main


@pytest.mark.parametrize("url, shown", [
    ("postgresql+psycopg2://crm:S3cr%40t:x@db:5432/sales", "postgresql+psycopg2://crm:***@db:5432/sales"),
    ("amqp://guest:guest@localhost:5672/", "amqp://guest:***@localhost:5672/"),
    ("amqps://u:p@broker/vhost?heartbeat=30", "amqps://u:***@broker/vhost?heartbeat=30"),
    ("postgresql://crm@db/sales?password=hunter2&sslmode=require",
     "postgresql://crm@db/sales?password=***&sslmode=require"),
    ("https://hooks.example.com/in?token=abc&x=1", "https://hooks.example.com/in?token=***&x=1"),
    ("sqlite:////var/crm/sales.db", "sqlite:////var/crm/sales.db"),
    ("postgresql://crm@db/sales", "postgresql://crm@db/sales"),
    ("not a url", "not a url"),
])
def test_safe_url_masks_passwords_and_tokens(url, shown):
    assert safe_url(url) == shown


def test_lines_are_prefixed_and_a_split_line_waits_for_its_end():
    out = io.StringIO()
    prefixer = Prefixer(out)
    prefixer.feed("sales", "stdout", 'first\n{"message": "hal')
    prefixer.feed("customers", "stdout", "other\n")
    prefixer.feed("sales", "stdout", 'f"}\n')
    assert out.getvalue().splitlines() == [
        "sales      | first", "customers  | other", 'sales      | {"message": "half"}']


def test_the_listener_speaks_supervisors_event_protocol():
    payload = "processname:gateway groupname:crm pid:42 channel:stdout\nstarted ✓\n"
    envelope = ("ver:3.0 server:supervisor serial:1 pool:terminal poolserial:1 "
                f"eventname:PROCESS_LOG_STDOUT len:{len(payload)}\n{payload}")
    stdin, stdout, out = io.StringIO(envelope), io.StringIO(), io.StringIO()
    main(stdin, stdout, out)               # returns at the end of input: supervisord has gone
    assert out.getvalue() == "gateway    | started ✓\n"
    assert stdout.getvalue().startswith("READY\nRESULT 2\nOKREADY\n")


def test_a_url_encoded_password_reaches_alembic_intact():
    from services.chassis import migrate

    url = "postgresql+psycopg2://crm:p%40ss%25w@db:5432/identity"
    assert migrate.alembic_config("identity", url).get_main_option("sqlalchemy.url") == url
