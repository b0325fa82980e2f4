"""A RabbitMQ node and a PostgreSQL server of the test's own, on their own ports and in a temp
directory, that the chaos run may kill and restart — never the machine's shared broker (5672)
or database (5432).

RabbitMQ: its own node name (the shared epmd tells nodes apart by name), AMQP and distribution
ports, and its own config, env and plugins files, so nothing of /etc/rabbitmq applies (the
machine's config binds 5672, its plugins file enables management on 15672). HOME points into the
temp directory: the node's Erlang cookie is its own, not the machine node's.

PostgreSQL: initdb + pg_ctl from /usr/lib/postgresql/15/bin, TCP on 127.0.0.1 and a socket in
the temp directory. It refuses to run as root, so under root it runs as the `postgres` user.
"""
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
from pathlib import Path

from tests.helpers import free_port, wait_until

RABBITMQ_SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server"
PG_BIN = Path(os.environ.get("CHAOS_PG_BIN", "/usr/lib/postgresql/15/bin"))
START_TIMEOUT = 120.0       # a node boot takes ~10 s on a quiet machine; load 10 multiplies it


def accepts(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def amqp_answers(uri):
    """A full AMQP handshake (the port opens before the node is ready to serve)."""
    from kombu import Connection
    try:
        with Connection(uri, connect_timeout=2) as connection:
            connection.connect()
            return True
    except Exception:
        return False


def _kill_group(process, signum=signal.SIGKILL):
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:
        pass


class DedicatedRabbit:
    def __init__(self, directory):
        self.directory = Path(directory)
        self.port = free_port()
        self.dist_port = free_port()
        self.nodename = f"crm_chaos_{self.port}@localhost"
        self.amqp_uri = f"amqp://guest:guest@127.0.0.1:{self.port}/"
        self.process = None
        self.restarts = 0
        (self.directory / "mnesia").mkdir(parents=True, exist_ok=True)
        (self.directory / "log").mkdir(exist_ok=True)
        (self.directory / "rabbitmq.conf").write_text(
            f"listeners.tcp.default = 127.0.0.1:{self.port}\nloopback_users = none\n")
        (self.directory / "rabbitmq-env.conf").write_text("")
        (self.directory / "enabled_plugins").write_text("[].\n")
        self.env = {**os.environ,
                    "HOME": str(self.directory),
                    "RABBITMQ_NODENAME": self.nodename,
                    "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
                    "RABBITMQ_NODE_PORT": str(self.port),
                    "RABBITMQ_DIST_PORT": str(self.dist_port),
                    "RABBITMQ_MNESIA_BASE": str(self.directory / "mnesia"),
                    "RABBITMQ_LOG_BASE": str(self.directory / "log"),
                    "RABBITMQ_CONFIG_FILE": str(self.directory / "rabbitmq.conf"),
                    "RABBITMQ_CONF_ENV_FILE": str(self.directory / "rabbitmq-env.conf"),
                    "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.directory / "enabled_plugins"),
                    "RABBITMQ_ADVANCED_CONFIG_FILE": str(self.directory / "advanced.config"),
                    "ERL_EPMD_ADDRESS": "127.0.0.1"}

    def start(self):
        assert self.process is None
        log = open(self.directory / "server.log", "ab")
        self.process = subprocess.Popen([RABBITMQ_SERVER], env=self.env, cwd=self.directory,
                                        stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        wait_until(self._up, timeout=START_TIMEOUT, interval=0.2,
                   message=f"the chaos RabbitMQ node on :{self.port}")

    def _up(self):
        if self.process.poll() is not None:
            raise RuntimeError(f"the chaos RabbitMQ node exited ({self.process.returncode}):\n"
                               + self.log_tail())
        return amqp_answers(self.amqp_uri)

    def kill(self):
        """SIGKILL to the node's whole process group: a crash, not a clean shutdown."""
        if self.process is not None:
            _kill_group(self.process)
            self.process.wait(30)
            self.process = None
            wait_until(lambda: not accepts(self.port), timeout=30,
                       message=f"the chaos RabbitMQ node's port {self.port} closed")

    def restart(self):
        self.kill()
        self.start()
        self.restarts += 1

    def stop(self):
        if self.process is not None:
            _kill_group(self.process, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                pass
            self.kill()

    def log_tail(self, lines=40):
        path = self.directory / "server.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


class DedicatedPostgres:
    def __init__(self, directory=None):
        # Not under pytest's tmp_path: that is private to root, and the server runs as postgres.
        self.directory = Path(directory or tempfile.mkdtemp(prefix="crm-chaos-pg-"))
        self.data = self.directory / "data"
        self.port = free_port()
        self.url_base = f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}"
        self.restarts = 0
        self.as_user = "postgres" if os.getuid() == 0 else None
        if self.as_user:
            entry = pwd.getpwnam(self.as_user)
            os.chown(self.directory, entry.pw_uid, entry.pw_gid)

    def url(self, database):
        return f"{self.url_base}/{database}"

    def _run(self, *command, timeout=120):
        prefix = ["runuser", "-u", self.as_user, "--"] if self.as_user else []
        result = subprocess.run(prefix + [str(PG_BIN / command[0]), *command[1:]], cwd=self.directory,
                                capture_output=True, text=True, timeout=timeout)
        if result.returncode:
            raise RuntimeError(f"{' '.join(command)} failed ({result.returncode}):\n"
                               f"{result.stdout}\n{result.stderr}\n{self.log_tail()}")
        return result

    def init(self):
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync",
                  "-E", "UTF8", "--locale=C.UTF-8")
        # fsync off: the run kills server processes, not the machine — the page cache survives
        # a process crash, so durability against it is unchanged; an OS crash is not tested.
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                       f"unix_socket_directories = '{self.directory}'\nmax_connections = 200\n"
                       "fsync = off\nfull_page_writes = off\nshared_buffers = 64MB\n")

    def start(self):
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.directory / "server.log"),
                  "-w", "-t", str(int(START_TIMEOUT)), "start")

    def crash_restart(self):
        """`pg_ctl stop -m immediate`: every server process quits without a checkpoint (crash
        recovery on the next start), the services' connections break mid-transaction."""
        self.kill()
        self.start()
        self.restarts += 1

    def kill(self):
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def stop(self):
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self):
        shutil.rmtree(self.directory, ignore_errors=True)

    def log_tail(self, lines=40):
        path = self.directory / "server.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

