"""Two tiny services built on the chassis: a producer of `note_written` and a consumer."""
from marshmallow import Schema, fields
from sqlalchemy import String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.chassis.db import Database
from services.chassis.errors import NotFound
from services.chassis.inbox import Subscriptions
from services.chassis.rpc import rpc
from services.chassis.service import ChassisService


class ToyBase(DeclarativeBase):
    pass


class Note(ToyBase):
    __tablename__ = "note"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    text: Mapped[str] = mapped_column(String(200))


class NoteWritten(Schema):
    id = fields.String(required=True)
    text = fields.String(required=True)


class Notes(ChassisService):
    name = "notes"
    db = Database(ToyBase.metadata, event_schemas={"note_written": NoteWritten()})

    @rpc
    def write_note(self, note_id, text, fail_after_write=False):
        with self.db.unit_of_work(actor="tester") as uow:
            uow.session.add(Note(id=note_id, text=text))
            uow.emit("note_written", {"id": note_id, "text": text})
            if fail_after_write:
                raise RuntimeError("boom after write")
        return note_id

    @rpc
    def get_note(self, note_id):
        with self.db.read_only() as session:
            note = session.get(Note, note_id)
            if note is None:
                raise NotFound(f"No note {note_id}.", {"id": note_id})
            return {"id": note.id, "text": note.text}


def copy_note(uow, envelope):
    payload = envelope["payload"]
    if payload["text"] == "poison":
        raise ValueError("cannot apply poison")
    uow.session.add(Note(id=payload["id"], text=payload["text"]))


class Copier(ChassisService):
    name = "copier"
    db = Database(ToyBase.metadata)
    # its live handler (on_notes_events, batched) is made by the chassis from the subscriptions
    subscriptions = Subscriptions({"notes": {"note_written": copy_note}})

    @rpc
    def note_ids(self):
        with self.db.read_only() as session:
            return sorted(session.scalars(select(Note.id)))

    @rpc
    def ask_missing_service(self):
        return self.services.call("nobody_home", "anything", timeout=1)
