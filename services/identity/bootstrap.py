"""First admin: `python -m services.identity.bootstrap`.

With ADMIN_EMAIL and ADMIN_PASSWORD (and optionally ADMIN_NAME) set (settings.py), creates that
admin unless an active admin exists already — so it is safe to run on every start. The user is
created by the same use case as `identity.create_user`, so `user_created` goes through the
outbox like any other event; if the broker is down, the running service's sweep publishes it
later.
Run it after the migrations (`python -m services.chassis.migrate upgrade identity`).
"""
import sys
from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from services.chassis import settings as chassis_settings
from services.chassis.db import DatabaseAccess, ensure_sequence_row, make_engine
from services.chassis.errors import CrmError
from services.chassis.outbox import Relay
from services.identity import settings
from services.identity.events import EVENT_SCHEMAS
from services.identity.handlers import users
from services.identity.models import User

SERVICE = "identity"


def standalone_db(engine, config=None):
    """The service's Database access outside a nameko container."""
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    provider = SimpleNamespace(engine=engine, source=SERVICE, event_schemas=EVENT_SCHEMAS,
                               sessionmaker=factory, relay=Relay(SERVICE, factory, config or {}))
    return DatabaseAccess(provider, worker_ctx=None)


def bootstrap(email=None, password=None, name=settings.DEFAULT_ADMIN_NAME, url=None, config=None):
    """Returns (created: bool, message). Raises CrmError if the given admin cannot be made."""
    if not email or not password:
        return False, "ADMIN_EMAIL / ADMIN_PASSWORD not set: no admin created."
    engine = make_engine(url or chassis_settings.database_url(SERVICE))
    try:
        ensure_sequence_row(engine)
        db = standalone_db(engine, config)
        with db.read_only() as session:
            existing = session.scalar(select(User.email).where(
                User.role == "admin", User.active.is_(True)).order_by(User.created_at))
        if existing:
            return False, f"An active admin exists ({existing}): nothing to do."
        with db.unit_of_work(actor="system") as uow:
            user = users.create_user(uow, {
                "email": email, "password": password, "role": "admin", "name": name})
        return True, f"Created admin {user['email']} ({user['id']})."
    finally:
        engine.dispose()


def main():
    try:
        _, message = bootstrap(settings.admin_email(), settings.admin_password(),
                               settings.admin_name())
    except CrmError as error:
        print(f"identity bootstrap failed: {error.message} {error.details or ''}".rstrip(),
              file=sys.stderr)
        return 1
    print(f"identity bootstrap: {message}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
