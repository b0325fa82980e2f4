"""`make run` as a user runs it (scripts/run.sh), on an instance of its own: free ports, its own
data directory, a RabbitMQ vhost and user of its own, PostgreSQL databases that do not exist yet
(a role with CREATEDB and a password), no demo data (LOAD_DEMO=0).

- a service killed with SIGKILL comes back by itself (a new pid, /ready 200 again) while the
  others keep answering (issue 10, finding 2: the process manager stopped every service instead);
- Ctrl-C (SIGINT to the run's process group) stops every process it started;
- nothing it printed holds a secret: database and broker passwords, JWT/cursor secrets, the
  admin and demo passwords (finding 7: migrate printed each database URL with its password);
- it needs no HTTP or TCP client a bare Debian lacks: it runs with curl, wget and nc hidden
  from its PATH (finding 8: run.sh polled /ready with curl, and a fresh Debian 12 has none).
"""
import os
import re
import secrets
import shutil
import signal
import subprocess
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

import pytest
import requests

from services import registry
from tests import postgres
from tests.helpers import free_port, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]
ROOT = registry.ROOT
START_TIMEOUT = 240          # create and migrate every service's PostgreSQL database (nine) and start
                             # every service (ten, services/registry.py), under load
HEAL_TIMEOUT = 90            # supervisord's first retry is at once, a nameko start ~10 s under load


_pg = postgres.admin
# What a fresh Debian 12 does not have (finding 8): run.sh must not need them.
HIDDEN = ("curl", "wget", "nc", "netcat", "ncat", "nc.openbsd", "nc.traditional")


def path_without(hidden, bin_dir):
    """A PATH of one directory holding a symlink to every command of the current PATH (the first
    of each name, as the shell would find it) but `hidden`."""
    bin_dir.mkdir()
    linked = set(hidden)
    for directory in os.environ["PATH"].split(os.pathsep):
        try:
            entries = list(os.scandir(directory))
        except OSError:
            continue
        for entry in entries:
            if entry.name not in linked:            # (a non-executable link is as good as none)
                linked.add(entry.name)
                os.symlink(entry.path, os.path.join(bin_dir, entry.name))
    return str(bin_dir)


@pytest.fixture
def pg_role():
    """A role that may create databases, with a password; its databases are dropped after."""
    role, password = f"crm_run_{uuid.uuid4().hex[:10]}", secrets.token_urlsafe(18)
    _pg(f"CREATE ROLE {role} LOGIN CREATEDB PASSWORD '{password}'")
    yield role, password
    _pg(*(f'DROP DATABASE IF EXISTS "{role}_{s.name}" WITH (FORCE)' for s in registry.with_database()),
        f"DROP ROLE {role}")


@pytest.fixture
def broker_user(request):
    """A RabbitMQ vhost and a user with a password of their own: the AMQP URI."""
    api = request.config.getoption("RABBIT_API_URI")
    amqp = urlparse(request.config.getoption("RABBIT_AMQP_URI"))
    name, password = f"crm_run_{uuid.uuid4().hex[:10]}", secrets.token_urlsafe(18)
    http = requests.Session()
    parsed = urlparse(api)
    http.auth = (parsed.username, parsed.password)
    base = f"{parsed.scheme}://{parsed.hostname}:{parsed.port}/api"
    http.put(f"{base}/vhosts/{name}").raise_for_status()
    http.put(f"{base}/users/{name}", json={"password": password, "tags": ""}).raise_for_status()
    http.put(f"{base}/permissions/{name}/{name}",
             json={"configure": ".*", "read": ".*", "write": ".*"}).raise_for_status()
    yield f"amqp://{name}:{password}@{amqp.hostname}:{amqp.port or 5672}/{name}", password
    http.delete(f"{base}/vhosts/{name}")
    http.delete(f"{base}/users/{name}")


def _children(pid):
    """Every live descendant of `pid` (from /proc; a zombie does not count)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if fields[0] != "Z":
                parents.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _alive(pid):
    try:
        return (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]) != "Z"
    except OSError:
        return False


class Run:
    """scripts/run.sh in its own session (so SIGINT to its group is a terminal's Ctrl-C)."""

    def __init__(self, workdir, amqp_uri, pg_role):
        self.var = workdir / "var"
        self.output = workdir / "run.out"
        self.url = f"http://127.0.0.1:{free_port()}"
        role, password = pg_role
        env = {k: v for k, v in os.environ.items() if not k.endswith(("_DATABASE_URL", "_METRICS_PORT"))}
        env.update({
            "CRM_DATA_DIR": str(self.var), "LOAD_DEMO": "0", "AMQP_URI": amqp_uri,
            "GATEWAY_ADDRESS": self.url.removeprefix("http://"), "METRICS_ADDR": "127.0.0.1",
            "RUN_READY_TIMEOUT": str(START_TIMEOUT), "RPC_TIMEOUT_SECONDS": "20",
            "ADMIN_EMAIL": "admin@run.example.com", "ADMIN_PASSWORD": secrets.token_urlsafe(15),
            "DEMO_PASSWORD": secrets.token_urlsafe(15), "JWT_SECRET": secrets.token_urlsafe(32),
            "CURSOR_SECRET": secrets.token_urlsafe(32),
            "PATH": path_without(HIDDEN, workdir / "bin"),
        })
        for service in registry.SERVICES:
            env[service.metrics_setting] = str(free_port())
        for service in registry.with_database():
            env[service.database_setting] = (
                f"postgresql+psycopg2://{role}:{password}@127.0.0.1:5432/{role}_{service.name}")
        self.env = env
        # O_APPEND: supervisord reopens /dev/stdout, and appends must not overwrite each other
        with open(self.output, "ab") as out:
            self.process = subprocess.Popen(["scripts/run.sh"], cwd=ROOT, env=env, stdout=out,
                                            stderr=subprocess.STDOUT, start_new_session=True)

    def printed(self):
        return self.output.read_text(errors="replace")

    def pid(self, service):
        result = subprocess.run(
            [str(ROOT / ".venv/bin/supervisorctl"), "-s", f"unix://{self.var}/supervisor.sock",
             "pid", f"crm:{service}"], capture_output=True, text=True, timeout=30)
        # supervisorctl prints 0 for a process that is not running (starting, backing off)
        return (int(result.stdout) or None) if result.stdout.strip().isdigit() else None

    def ready(self):
        try:
            return requests.get(self.url + "/ready", timeout=10).status_code == 200
        except requests.RequestException:
            return False

    def login(self):
        answer = requests.post(self.url + "/api/v1/auth/token", timeout=30, json={
            "email": self.env["ADMIN_EMAIL"], "password": self.env["ADMIN_PASSWORD"]})
        assert answer.status_code == 200, answer.text
        return {"Authorization": f"Bearer {answer.json()['access_token']}"}

    def list_users(self, headers):
        """An identity call through the gateway (not customers, the service the test kills)."""
        return requests.get(self.url + "/api/v1/users?limit=1", headers=headers, timeout=30).status_code

    def wait_ready(self, timeout):
        """The banner, then /ready: run.sh prints the banner only once /ready answered 200."""
        def check():
            assert self.process.poll() is None, f"run.sh exited:\n{self.printed()[-6000:]}"
            return "CRM is running" in self.printed()
        wait_until(check, timeout=timeout, interval=1, message="make run's banner")
        assert self.ready(), "make run printed its banner before /ready answered 200"

    def kill(self):
        if self.process.poll() is None:
            for pid in _children(self.process.pid):
                with_suppress(os.kill, pid, signal.SIGKILL)
            with_suppress(os.killpg, self.process.pid, signal.SIGKILL)


def with_suppress(function, *args):
    try:
        function(*args)
    except ProcessLookupError:
        pass


def test_the_path_the_run_gets_hides_the_clients_a_bare_debian_lacks(tmp_path):
    path = path_without(HIDDEN, tmp_path / "bin")
    for command in HIDDEN:
        assert shutil.which(command, path=path) is None, command
    for command in ("bash", "env", "python3", "make"):
        assert shutil.which(command, path=path), command


def test_make_run_heals_a_killed_service_stops_on_ctrl_c_and_prints_no_secret(
        tmp_path, broker_user, pg_role):
    amqp_uri, broker_password = broker_user
    run = Run(tmp_path, amqp_uri, pg_role)
    try:
        run.wait_ready(START_TIMEOUT)
        admin = run.login()
        assert run.list_users(admin) == 200
        # the banner's console address opens the console (issue 16)
        console = re.search(r"console +(http://\S+/console) ", run.printed())
        assert console, run.printed()[-3000:]
        page = requests.get(console.group(1), timeout=30)
        assert page.status_code == 200 and 'src="/console/js/app.js"' in page.text

        # kill -9 one service: it comes back; identity (through the gateway) answers throughout
        killed = run.pid("customers")
        assert killed and _alive(killed)
        os.kill(killed, signal.SIGKILL)
        deadline, answered = time.monotonic() + HEAL_TIMEOUT, 0
        while True:
            assert run.list_users(admin) == 200, "identity stopped answering while customers was down"
            answered += 1
            restarted = run.pid("customers")
            if restarted not in (None, killed) and run.ready():
                break
            assert time.monotonic() < deadline, (
                f"customers did not come back within {HEAL_TIMEOUT}s:\n{run.printed()[-6000:]}")
        assert answered >= 1
        assert "exited: customers (terminated by SIGKILL; not expected)" in run.printed()
        wait_until(lambda: f"spawned: 'customers' with pid {restarted}" in run.printed(),
                   timeout=10, message="supervisord's line about the restarted customers")

        # Ctrl-C: every process the run started is gone
        started = _children(run.process.pid)
        assert restarted in started and len(started) >= len(registry.SERVICES) + 1
        os.killpg(run.process.pid, signal.SIGINT)
        run.process.wait(timeout=90)
        wait_until(lambda: not any(_alive(pid) for pid in started), timeout=10,
                   message="every process of the run to be gone after Ctrl-C")
    finally:
        run.kill()

    printed = run.printed()
    assert "CRM is running" in printed and "customers  | " in printed    # prefixed service output
    role, pg_password = pg_role
    assert f"created database postgresql+psycopg2://{role}:***@" in printed
    for name, secret in [("PostgreSQL password", pg_password), ("RabbitMQ password", broker_password),
                         *((key, run.env[key]) for key in ("ADMIN_PASSWORD", "DEMO_PASSWORD",
                                                           "JWT_SECRET", "CURSOR_SECRET"))]:
        assert secret not in printed, f"the {name} is in make run's output"
