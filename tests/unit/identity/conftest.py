"""identity's use cases over an in-memory SQLite database, no broker.

`db` is the chassis' real unit of work (tests/unit/chassis/fakes.make_db) with a relay that
only records; `make_user` / `make_team` create records through the real use cases.
"""
import pytest
from argon2 import PasswordHasher, profiles

from services.identity import passwords
from services.identity.handlers import teams, users
from services.identity.events import EVENT_SCHEMAS
from services.identity.models import Base
from tests.unit.chassis.fakes import make_db
from tests.unit.identity.helpers import PASSWORD


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch):
    """argon2id with the cheapest parameters: same code path, milliseconds instead of 0.2 s."""
    monkeypatch.setattr(passwords, "hasher", PasswordHasher.from_parameters(profiles.CHEAPEST))


@pytest.fixture
def db(memory_engine):
    return make_db(memory_engine, Base.metadata, source="identity", event_schemas=EVENT_SCHEMAS)


@pytest.fixture
def make_user(db):
    """make_user(email, role=..., **fields) → the user dict."""
    def make(email, role="sales_rep", **fields):
        data = {"email": email, "name": fields.pop("name", email.split("@")[0]), "role": role,
                "password": fields.pop("password", PASSWORD), **fields}
        with db.unit_of_work(actor="root") as uow:
            return users.create_user(uow, data)
    return make


@pytest.fixture
def make_team(db):
    def make(name, **fields):
        with db.unit_of_work(actor="root") as uow:
            return teams.create_team(uow, {"name": name, **fields})
    return make
