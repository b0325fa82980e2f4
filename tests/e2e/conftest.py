"""One real system per test session: every service of services/registry.py as a separate
`nameko run` process on a dedicated RabbitMQ vhost, temp SQLite files and free ports.

Fixtures: `mailbox` (a real SMTP server every process sends to), `system` (the processes;
`system.stop_service("customers")` / `start_service`), `admin` (an API client logged in as the
bootstrapped admin), `region` (a fresh region name with its own team, so tests do not see each
other's reps). The full-dataset demo load runs last (its 8,800 deals would otherwise be
replayed by every later rebuild and reconcile).
"""
import contextlib
import signal
import time
import uuid
from urllib.parse import urlparse

import pytest
from requests import HTTPError

from tests.e2e.client import Api
from tests.e2e.system import System
from tests.smtp_server import SmtpServer

_running = []          # the session's system, for the failure report below


@contextlib.contextmanager
def own_vhost(request, rabbit_manager):
    """A vhost of its own (RabbitMQ management API), deleted afterwards — after a failed test,
    a failed start or a SIGTERM too (`_sigterm_as_interrupt`): its AMQP URI."""
    amqp = urlparse(request.config.getoption("RABBIT_AMQP_URI"))
    vhost = f"crm_e2e_{uuid.uuid4().hex[:10]}"
    with _sigterm_as_interrupt():
        rabbit_manager.create_vhost(vhost)
        try:
            rabbit_manager.set_vhost_permissions(vhost, amqp.username, ".*", ".*", ".*")
            yield f"{amqp.scheme}://{amqp.netloc}/{vhost}"
        finally:
            _delete_vhost(rabbit_manager, vhost)


@contextlib.contextmanager
def _sigterm_as_interrupt():
    """A SIGTERM (`timeout`, a cancelled CI job) ends pytest as Ctrl-C does: the fixtures'
    teardowns run (the system stopped, the vhost deleted). Python's default dies at once and
    left a crm_e2e_* vhost behind, with its queues, and the system's processes running."""
    def interrupt(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")
    try:        # (eventlet's green threading hides which OS thread this is: ask signal itself)
        previous, installed = signal.signal(signal.SIGTERM, interrupt), True
    except ValueError:          # not the main thread: the default stays
        previous, installed = None, False
    try:
        yield
    finally:
        if installed:
            signal.signal(signal.SIGTERM, previous)


def _delete_vhost(rabbit_manager, vhost, attempts=5):
    """The management API may refuse for a moment while the vhost's connections close (nameko's
    own vhost fixture retries too); gone already (404) is done."""
    for attempt in range(attempts):
        try:
            rabbit_manager.delete_vhost(vhost)
            return
        except HTTPError as error:
            if error.response is not None and error.response.status_code == 404:
                return
            if attempt == attempts - 1:
                raise
            time.sleep(1)


@pytest.fixture(scope="session")
def e2e_vhost(request, rabbit_manager):
    with own_vhost(request, rabbit_manager) as amqp_uri:
        yield amqp_uri


@pytest.fixture(scope="session")
def mailbox(tmp_path_factory):
    """The real SMTP server (tests/smtp_server.py) every process of the system sends mail to;
    tests tell their mails apart by recipient (`mailbox.messages_to(address)`)."""
    server = SmtpServer(tmp_path_factory.mktemp("smtp")).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def system(tmp_path_factory, e2e_vhost, mailbox):
    system = System(tmp_path_factory.mktemp("e2e"), e2e_vhost, settings=mailbox.environment())
    _running.append(system)
    try:
        system.start()
        yield system
    finally:
        system.stop()
        _running.remove(system)


@pytest.fixture(scope="session")
def admin(system):
    return Api(system.url).login(system.admin_email, system.admin_password)


@pytest.fixture
def anonymous(system):
    return Api(system.url)


def new_region(admin):
    """A region nobody else uses, with a team: (region name, team)."""
    name = f"Region-{uuid.uuid4().hex[:8]}"
    return name, admin.create_team(name=f"Team {name}", region=name)


@pytest.fixture
def region(admin):
    """A region nobody else uses, with a team: (region name, team)."""
    return new_region(admin)


def pytest_collection_modifyitems(config, items):
    """The full-dataset import runs last on the shared system: the other journeys' rebuilds,
    reconciles and catch-ups then replay only their own small data, not its 8,800 deals."""
    last = [item for item in items if item.nodeid.startswith("tests/e2e/test_demo_loader.py")]
    items[:] = [item for item in items if item not in last] + last


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failing e2e test shows the tail of every service's log under its traceback."""
    outcome = yield
    report = outcome.get_result()
    if report.failed and _running and "/e2e/" in str(item.fspath):
        report.sections.append(("service logs", _running[0].all_logs(tail=60)))


@pytest.fixture
def sales_team(admin, region):
    """A manager and two reps of a fresh region's team: (manager, rep_a, rep_b)."""
    region_name, team = region
    return tuple(admin.create_user(role, region=region_name, team_id=team["id"])
                 for role in ("manager", "sales_rep", "sales_rep"))
