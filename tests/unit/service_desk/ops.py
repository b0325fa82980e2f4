"""The ticket use cases as the entrypoints run them: one unit of work (or a read-only session)
per call, as a principal."""
from services.service_desk.tickets.handlers import change, conversation, create, lists, merge


def create_ticket(db, principal, **data):
    data = {"customer_id": "c-1", "subject": "Printer on fire", **data}
    with db.unit_of_work(actor=principal.user_id) as uow:
        return create.create_ticket(uow, principal, data)


def update(db, principal, ticket_id, **data):
    with db.unit_of_work(actor=principal.user_id) as uow:
        return change.update_ticket(uow, principal, ticket_id, data)


def move(db, principal, ticket_id, status, **extra):
    with db.unit_of_work(actor=principal.user_id) as uow:
        return change.change_status(uow, principal, ticket_id, {"status": status, **extra})


def reply(db, principal, ticket_id, body="Thanks, looking into it.", **extra):
    with db.unit_of_work(actor=principal.user_id) as uow:
        return conversation.add_reply(uow, principal, ticket_id, {"body": body, **extra})


def note(db, principal, ticket_id, body="Called the vendor."):
    with db.unit_of_work(actor=principal.user_id) as uow:
        return conversation.add_note(uow, principal, ticket_id, {"body": body})


def merge_into(db, principal, source_id, target_id):
    with db.unit_of_work(actor=principal.user_id) as uow:
        return merge.merge_tickets(uow, principal, source_id, {"into": target_id})


def get(db, principal, ticket_id):
    with db.read_only() as session:
        return lists.get_ticket(session, principal, ticket_id)


def listing(db, principal, **query):
    with db.read_only() as session:
        return lists.list_tickets(session, principal, query)


def entries(db, principal, ticket_id, **query):
    with db.read_only() as session:
        return conversation.list_entries(session, principal, ticket_id, query)


def history(db, principal, ticket_id, **query):
    with db.read_only() as session:
        return lists.list_history(session, principal, ticket_id, query)
