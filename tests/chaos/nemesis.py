"""The faults of the chaos run, one at a time, while the clients write:

- kill: `kill -9` of a random service process (gateway included), started again after a pause;
- broker: the dedicated RabbitMQ node SIGKILLed and started again (durable queues and
  persistent messages survive; connections, unacked deliveries and reply queues do not);
- postgres: the dedicated PostgreSQL stopped in immediate mode (a crash: no checkpoint, every
  connection broken mid-transaction) and started again (crash recovery).

The first actions follow `opening` (so a short run sees every kind of fault), then a seeded
random choice. The harness also plays process supervisor: a service that exited by itself
(not killed by us) is started again and counted, as supervisord would (README, Operations).
"""
import random
import time

import eventlet

from services import registry

SERVICES = registry.names()
OPENING = ("kill", "broker", "kill", "postgres", "kill")
WEIGHTS = {"kill": 6, "broker": 2, "postgres": 2}


class Nemesis:
    def __init__(self, system, rabbit, postgres, seed=0, interval=(2.0, 5.0), down=(0.5, 3.0),
                 opening=OPENING):
        self.system = system
        self.rabbit = rabbit
        self.postgres = postgres
        self.random = random.Random(seed)
        self.interval = interval
        self.down = down
        self.opening = list(opening)
        self.kills = {}                 # service → times killed
        self.self_exits = {}            # service → times it exited without being killed
        self.exit_logs = []             # (service, its log's last lines when found exited)
        self.log = []                   # (seconds since start, action, detail)
        self._stopping = False
        self._thread = None
        self._started = None

    def opening_done(self):
        return not self.opening

    @property
    def kill_count(self):
        return sum(self.kills.values())

    def start(self):
        self._started = time.monotonic()
        self._thread = eventlet.spawn(self._run)

    def stop(self):
        """Finish the action under way, then leave everything running."""
        self._stopping = True
        if self._thread is not None:
            self._thread.wait()
        self.supervise()

    def _run(self):
        while not self._stopping:
            self._pause(self.random.uniform(*self.interval))
            if self._stopping:
                return
            action = self.opening[0] if self.opening else self.random.choices(
                list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
            getattr(self, f"_{action}")()
            if self.opening:
                self.opening.pop(0)

    def _pause(self, seconds):
        deadline = time.monotonic() + seconds
        while not self._stopping and time.monotonic() < deadline:
            self.supervise()
            eventlet.sleep(0.2)

    def _note(self, action, detail=""):
        self.log.append((round(time.monotonic() - self._started, 1), action, detail))

    def _kill(self):
        name = self.random.choice(SERVICES)
        self.system.kill_service(name)
        self.kills[name] = self.kills.get(name, 0) + 1
        self._note("kill -9", name)
        eventlet.sleep(self.random.uniform(*self.down))
        self.system.start_service(name)

    def _broker(self):
        self._note("broker", "SIGKILL + start")
        self.rabbit.restart()
        self._note("broker", "up")

    def _postgres(self):
        self._note("postgres", "immediate stop + start")
        self.postgres.crash_restart()
        self._note("postgres", "up")

    def supervise(self):
        for name in SERVICES:
            process = self.system.processes.get(name)
            if process is not None and process.poll() is not None:
                self.self_exits[name] = self.self_exits.get(name, 0) + 1
                self._note("exited by itself", f"{name} ({process.returncode}); started again")
                self.exit_logs.append((name, self.system.logs(name, tail=12)))
                self.system.processes.pop(name)
                self.system.log_files.pop(name).close()
                self.system.start_service(name)
