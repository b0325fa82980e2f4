"""A unit of events prepared in a few statements before its events are applied one by one
(consume_all's lock_first hook): an import's live batches (100 customer_created, then 100
customer_assigned) paid a statement or two per event, each ~0.1 ms of SQLAlchemy's CPU and on
PostgreSQL a round trip (bench/FINDINGS.md, the fifth session: marketing, the service desk).
The generic part, kept in the unit's session (`session.info[key]`):

- the payloads of the events it prepares, read once (`payload`);
- the events whose effect the preparation made (`done`): their handler then skips it;
- `creations`: the records a unit's creation events make that no earlier event of the unit
  names — inserting those first changes nothing any earlier event sees.

The statements themselves are the chassis's (db.insert_new_rows, db.update_newest); which
rows, and what a prepared event still does at its turn, are the consumer's. A single event
(the live path of one, the one-by-one retry of a failed batch) is never prepared."""


class Prepared:
    def __init__(self):
        self.data = {}          # event id → its payload, read once
        self.done = set()       # event ids whose effect the preparation made


def start(session, key, envelopes, read, prepared=None):
    """`prepared` (a Prepared) for this unit's `envelopes` (those it prepares; two at least,
    else None and nothing kept), their payloads read through `read(envelope)` — an unreadable
    one is left to its own turn, which raises as before."""
    if len(envelopes) < 2:
        return None
    prepared = session.info[key] = prepared or Prepared()
    for envelope in envelopes:
        try:
            prepared.data[envelope["event_id"]] = read(envelope)
        except (KeyError, ValueError):
            pass
    return prepared


def of(session, key):
    return session.info.get(key)


def done(session, key, envelope):
    """Whether the unit's preparation made this event's effect."""
    prepared = session.info.get(key)
    return prepared is not None and envelope["event_id"] in prepared.done


def payload(session, key, envelope, read):
    """The envelope's payload, as the preparation read it (else read now)."""
    prepared = session.info.get(key)
    data = prepared.data.get(envelope["event_id"]) if prepared is not None else None
    return data if data is not None else read(envelope)


def creations(prepared, envelopes, event_type, named_by):
    """{id: (envelope, payload)}: per record the first `event_type` event creating it (its
    payload's "id") that no earlier event of `envelopes` names (`named_by(envelope)`: the ids
    an event names, its own included)."""
    named, new = set(), {}
    for envelope in envelopes:
        data = prepared.data.get(envelope["event_id"])
        if envelope.get("event_type") == event_type and data is not None and data["id"] not in named:
            new[data["id"]] = (envelope, data)
        named.update(named_by(envelope))
    return new
