"""Rollup maintenance: counts change by deltas, summed per transaction and upserted in one
statement per table just before the commit.

`INSERT ... ON CONFLICT DO UPDATE SET count = count + delta` is atomic on both dialects, so
concurrent consumers never lose an increment. Deltas are applied in key order so that two
transactions touching the same rows lock them in the same order (no deadlocks on PostgreSQL).
"""
from datetime import datetime, timezone

from sqlalchemy import bindparam, event, inspect, select
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.util import identity_key

from services.chassis.db import insert_precompiled, precompiled

BUCKET_SECONDS = 900     # 15 minutes: every zone's offset (…, +5:30, +5:45) is a whole number of them
NONE = ""                # stands for "no value" in rollup keys (see services/reporting/models.py)


def cents(amount):
    """Exact integer cents of a money Decimal; more than two decimals is a producer bug."""
    value = amount * 100
    if value != value.to_integral_value():
        raise ValueError(f"amount {amount} has more than two decimals")
    return int(value)


def bucket(moment):
    """The start (UTC epoch seconds) of the 15-minute bucket holding `moment`."""
    seconds = int(moment.astimezone(timezone.utc).timestamp())
    return seconds - seconds % BUCKET_SECONDS


def bucket_start(value):
    return datetime.fromtimestamp(value, timezone.utc)


def as_key(value):
    return NONE if value is None else value


def from_key(value):
    return None if value == NONE else value


def pending(session, name, write):
    """A buffer (dict) that lives as long as the session's transaction: `write(session, buffer)`
    runs once just before the commit, and a rollback drops it. Lets a transaction that applies
    many events (a catch-up page) write each rollup or freshness row once, with the sum of the
    events' changes, instead of once per event."""
    _hook(session)
    buffers = session.info.setdefault("pending", {})
    if name not in buffers:
        buffers[name] = (write, {})
    return buffers[name][1]


def write_pending(session, name):
    """Write `name`'s buffer now (then empty it): a statement that must see its rows comes next
    in the same transaction."""
    entry = session.info.get("pending", {}).get(name)
    if entry is not None and entry[1]:
        write, buffer = entry
        write(session, buffer)
        buffer.clear()


def _hook(session):
    if not session.info.get("pending_hooked"):
        session.info["pending_hooked"] = True
        event.listen(session, "before_commit", _write_pending)
        event.listen(session, "after_commit", _forget)
        event.listen(session, "after_rollback", _forget)


def _write_pending(session):
    buffers = session.info.get("pending", {})
    for name in sorted(buffers):     # one order for every transaction: rows locked alike
        write, buffer = buffers[name]
        write(session, buffer)
    buffers.clear()
    _uniform_updates(session)


def _uniform_updates(session):
    """Every changed row of a model locked by `lock_rows` written with all its columns: the
    commit's flush then sends them as ONE executemany per model (the ORM groups consecutive
    UPDATEs by their set of columns; rows changed in different columns were an UPDATE each, a
    round trip each on PostgreSQL). Rows with no net change are left alone. The values written
    are the row as locked plus this transaction's changes to the object, hence lock_rows's
    rule: no Core UPDATE of such a model in the same transaction."""
    models = session.info.get("uniform")
    if not models:
        return
    for model, identity in session.info.get("locked", ()):
        if model not in models:
            continue
        row = session.identity_map.get(identity_key(model, identity))
        if row is not None and session.is_modified(row):
            loaded = inspect(row).dict
            for name in _value_columns(model):
                if name in loaded:
                    flag_modified(row, name)


def _value_columns(model):
    columns = _VALUE_COLUMNS.get(model)
    if columns is None:
        mapper = inspect(model)
        keys = {column.key for column in mapper.primary_key}
        columns = _VALUE_COLUMNS[model] = tuple(
            attribute.key for attribute in mapper.column_attrs
            if not any(column.key in keys for column in attribute.columns))
    return columns


_VALUE_COLUMNS = {}


def _forget(session):
    session.info.pop("pending", None)
    session.info.pop("locked", None)
    session.info.pop("locked_rows", None)
    session.info.pop("uniform", None)


def transaction_cache(session):
    """A set that lives as long as the session's transaction (the rows it has locked)."""
    _hook(session)
    return session.info.setdefault("locked", set())


def _hold(session, rows):
    """Keep the locked rows alive until the transaction ends: the session holds an unchanged
    row weakly, and one collected would be SELECTed again by the next `locked_row`."""
    session.info.setdefault("locked_rows", []).extend(rows)


def locked_row(session, model, key, **defaults):
    """The row with primary key `key` (a dict), created with `defaults` if missing, locked for
    this transaction on PostgreSQL. Two consumers seeing a record for the first time at once
    both INSERT ... ON CONFLICT DO NOTHING: the second waits for the first and then finds its
    row, where a plain SELECT-then-INSERT would fail one of them on the primary key. A row this
    transaction already locked is the one in the session: no second round trip."""
    identity = tuple(key.values()) if len(key) > 1 else next(iter(key.values()))
    locked = transaction_cache(session)
    if (model, identity) in locked:
        row = session.get(model, identity)
        if row is not None:
            return row
    values = {**defaults, **key}
    if identity_key(model, identity) in session.identity_map:
        session.flush()             # its changes (made through a query) survive the refresh below
    with session.no_autoflush:      # other rows' changes wait for the commit's one flush
        session.execute(precompiled(session, ("locked_row", model, tuple(values), tuple(key)),
                                    lambda dialect: insert_binds(dialect, model, values)
                                    .on_conflict_do_nothing(index_elements=list(key))), values)
        row = session.get(model, identity, with_for_update=True, populate_existing=True)
    locked.add((model, identity))
    _hold(session, [row])
    return row


def lock_rows(session, model, ids, **defaults):
    """Lock up front, in two statements, the rows (single-column primary key `ids`, created
    with `defaults` if missing) that a batch's handlers will ask `locked_row` for one by one:
    those calls then find them locked in the session, with no round trip. In key order, so two
    transactions locking overlapping batches wait for each other instead of deadlocking. Only
    an optimisation: a row left out is locked by `locked_row` when asked for. The model's
    changed rows are written with all their columns at commit, in one statement
    (`_uniform_updates`): change them through the objects only, never by a Core UPDATE in the
    same transaction (its change would be overwritten)."""
    (key,) = [column.key for column in inspect(model).primary_key]
    locked = transaction_cache(session)
    session.info.setdefault("uniform", set()).add(model)
    wanted = sorted({value for value in ids if (model, value) not in locked})
    for start in range(0, len(wanted), 500):        # within any database's parameter limit
        chunk = wanted[start:start + 500]
        rows = [{**defaults, key: value} for value in chunk]
        values = rows[0]
        if any(identity_key(model, value) in session.identity_map for value in chunk):
            session.flush()         # as in locked_row: a change made through a query survives
        with session.no_autoflush:
            insert_precompiled(session, ("locked_row", model, tuple(values), (key,)),
                               lambda dialect: insert_binds(dialect, model, values)
                               .on_conflict_do_nothing(index_elements=[key]), rows)
            column = getattr(model, key)
            _hold(session, session.scalars(select(model).where(column.in_(chunk))
                                           .order_by(column).with_for_update()
                                           .execution_options(populate_existing=True)).all())
        locked.update((model, value) for value in chunk)


def add(session, model, columns, deltas, values=("count",)):
    """`deltas`: {key tuple (values of `columns`, the primary key): change}, a change being a
    number, or a tuple of numbers when several `values` columns are summed (deals: count,
    cents, seconds). Summed into the transaction's pending changes and upserted just before it
    commits (`pending`)."""
    columns, values = tuple(columns), tuple(values)
    buffer = pending(session, f"rollup:{model.__tablename__}",
                     lambda session, sums: _upsert(session, model, columns, values, sums))
    if len(values) == 1:             # plain counts: no tuples on the hot path of every event
        for key, change in deltas.items():
            buffer[key] = buffer.get(key, 0) + change
        return
    zero = (0,) * len(values)
    for key, change in deltas.items():
        buffer[key] = tuple(a + b for a, b in zip(buffer.get(key, zero), change))


def _upsert(session, model, columns, values, sums):
    """One executemany over the changed keys, in key order; all-zero changes skipped."""
    if len(values) == 1:
        sums = {key: (change,) for key, change in sums.items()}
    rows = [{**dict(zip(columns, key)), **dict(zip(values, sums[key]))}
            for key in sorted(sums) if any(sums[key])]
    if not rows:
        return
    def build(dialect):
        statement = insert_binds(dialect, model, rows[0])
        table = model.__table__
        return statement.on_conflict_do_update(
            index_elements=list(columns),
            set_={name: table.c[name] + statement.excluded[name] for name in values})
    insert_precompiled(session, ("rollup", model, columns, values), build, rows)


def insert_binds(dialect, model, names):
    """INSERT INTO model's table, a typed parameter per name (see db.precompiled)."""
    table = model.__table__
    return dialect.insert(table).values({name: bindparam(name, type_=table.c[name].type)
                                         for name in names})
