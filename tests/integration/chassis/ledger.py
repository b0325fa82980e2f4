"""A toy service on the chassis for the idempotency and deadline tests: one write (`add_entry`)
that can be made to wait — on an event in this process, or, run as its own process
(`nameko run tests.integration.chassis.ledger:Ledger`), at a barrier of files shared with a twin
process — and a caller (`Front`) that sends what the gateway sends."""
import os
import uuid
from pathlib import Path

import eventlet
from eventlet.event import Event
from sqlalchemy import String, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.chassis.db import Database
from services.chassis.idempotency import Idempotency
from services.chassis.rpc import ServiceRpc, rpc
from services.chassis.service import ChassisService

GATES = {}                   # text → Event: add_entry(text) waits on it, inside its transaction
BARRIER_ENV = "LEDGER_BARRIER_DIR"
BARRIER_TIMEOUT = 30.0


class LedgerBase(DeclarativeBase):
    pass


class Entry(LedgerBase):
    __tablename__ = "entry"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    text: Mapped[str] = mapped_column(String(200))


def gate(text):
    GATES[text] = Event()
    return GATES[text]


def _meet_twin(text):
    """Run as a process: wait until the twin process has reached this point too."""
    directory = os.environ.get(BARRIER_ENV)
    if not directory or not text.startswith("twin"):
        return
    Path(directory, f"{text}-{os.getpid()}").touch()
    with eventlet.Timeout(BARRIER_TIMEOUT):
        while len(list(Path(directory).glob(f"{text}-*"))) < 2:
            eventlet.sleep(0.01)


class Ledger(ChassisService):
    name = "ledger"
    db = Database(LedgerBase.metadata)

    @rpc
    def add_entry(self, text):
        _meet_twin(text)                     # both twins are inside before either writes
        with self.db.unit_of_work(actor="tester") as uow:
            entry = Entry(id=str(uuid.uuid4()), text=text)
            uow.session.add(entry)
            uow.session.flush()
            if text in GATES:
                GATES[text].wait()           # the work is done, not committed yet
        return {"id": entry.id, "text": text, "pid": os.getpid()}

    @rpc
    def hold(self, text):
        GATES[text].wait()

    @rpc
    def count_entries(self, text):
        with self.db.read_only() as session:
            return session.scalar(select(func.count()).select_from(Entry).where(Entry.text == text))


class Front:
    """Calls the ledger as the gateway calls a service: a deadline, and a key if given."""
    name = "front"
    services = ServiceRpc()

    @rpc
    def add(self, text, key=None, fingerprint="f-1", timeout=5.0):
        sent = Idempotency(key, fingerprint) if key else None
        return self.services.call("ledger", "add_entry", text, timeout=timeout, idempotency=sent)
