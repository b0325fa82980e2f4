"""Rollup maintenance: counts change by deltas, summed per transaction and upserted in one
statement per table just before the commit.

`INSERT ... ON CONFLICT DO UPDATE SET count = count + delta` is atomic on both dialects, so
concurrent consumers never lose an increment. Deltas are applied in key order so that two
transactions touching the same rows lock them in the same order (no deadlocks on PostgreSQL).
"""
from datetime import datetime, timezone

from sqlalchemy import bindparam, event, inspect, select, update
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.util import identity_key

from services.chassis.db import execute_many, insert_precompiled, insert_returning, precompiled

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
            _insert_rows(session, ("locked_row", model, tuple(values), (key,)),
                               lambda dialect: insert_binds(dialect, model, values)
                               .on_conflict_do_nothing(index_elements=[key]), rows)
            column = getattr(model, key)
            _hold(session, session.scalars(select(model).where(column.in_(chunk))
                                           .order_by(column).with_for_update()
                                           .execution_options(populate_existing=True)).all())
        locked.update((model, value) for value in chunk)


# --- rows as plain dicts ------------------------------------------------------------------
# A projection whose handlers change one row per event (customers' facts) can hold its rows as
# plain dicts instead of ORM objects: locked as `lock_rows` locks (one INSERT ... ON CONFLICT DO
# NOTHING and one SELECT ... FOR UPDATE per batch, in key order), changed in place, and the
# changed ones written just before the commit by ONE executemany UPDATE of every column. No
# identity map, attribute events, flag_modified or unit-of-work sort: the ORM's share was half
# the CPU of an imported customer's two events (bench/FINDINGS.md, fifth session).


def _values_buffer(session, model):
    """{key: [row dict, its values as read]} of `model`'s rows locked in this transaction."""
    return pending(session, f"values:{model.__tablename__}",
                   lambda session, rows: _write_values(session, model, rows))


def lock_values(session, model, ids, **defaults):
    """Lock the rows `ids` of `model` (single-column primary key; created with `defaults` if
    missing) for this transaction, in key order, as dicts `locked_values` then hands out with
    no round trip. Never change such a model through the ORM or a Core UPDATE in the same
    transaction: the rows held here are written over it at the commit.

    PostgreSQL: INSERT ... ON CONFLICT DO NOTHING RETURNING the keys it inserted (those rows
    are the defaults, locked by the insert: not read back), then SELECT ... FOR UPDATE the
    others — the order of `lock_rows`. SQLite: the transaction already holds the database's
    one write lock (the inbox rows went in first), so the rows are read first and only the
    missing ones inserted: an import's creations read nothing back, its assignments insert
    nothing."""
    buffer = _values_buffer(session, model)
    table = model.__table__
    (key,) = [column.key for column in table.primary_key.columns]
    names = [column.key for column in table.columns]
    postgres = session.get_bind().dialect.name == "postgresql"
    wanted = sorted({value for value in ids if value not in buffer})
    for start in range(0, len(wanted), 500):        # within any database's parameter limit
        chunk = wanted[start:start + 500]
        with session.no_autoflush:
            if not postgres:
                _read_values(session, model, buffer,
                             _select_values(model).where(table.c[key].in_(chunk)))
                chunk = [value for value in chunk if value not in buffer]
                if not chunk:
                    continue
            rows = [{**defaults, key: value} for value in chunk]
            values = rows[0]
            result = _insert_rows(session, ("locked_row", model, tuple(values), (key,)),
                                        lambda dialect: insert_binds(dialect, model, values)
                                        .on_conflict_do_nothing(index_elements=[key]), rows)
            if postgres and len(rows) > 1:
                inserted = set(result.scalars())
            elif postgres:
                inserted = set(chunk) if result.rowcount == 1 else set()
            else:
                inserted = set(chunk)       # under SQLite's write lock: nothing raced us
            for value in inserted:
                row = dict.fromkeys(names)
                row.update(defaults)
                row[key] = value
                buffer[value] = [row, tuple(row[name] for name in names)]
            rest = [value for value in chunk if value not in inserted]
            if rest:
                _read_values(session, model, buffer,
                             _select_values(model).where(table.c[key].in_(rest)))


def locked_values(session, model, identity, **defaults):
    """The row (a dict) of `model` with primary key `identity`, locked (`lock_values`)."""
    row = _values_buffer(session, model).get(identity)
    if row is None:
        lock_values(session, model, [identity], **defaults)
        row = _values_buffer(session, model)[identity]
    return row[0]


def _select_values(model):
    table = model.__table__
    (key,) = table.primary_key.columns
    return select(*table.columns).order_by(key).with_for_update()


def _read_values(session, model, buffer, statement):
    names = [column.key for column in model.__table__.columns]
    (key,) = [column.key for column in model.__table__.primary_key.columns]
    for found in session.execute(statement):
        row = dict(zip(names, found))
        buffer[row[key]] = [row, tuple(found)]


def _write_values(session, model, buffer):
    """The changed rows, in key order, by one executemany UPDATE (pages of 100 on PostgreSQL)."""
    entry = _UPDATES.get(model)
    if entry is None:
        table = model.__table__
        (key,) = table.primary_key.columns
        names = tuple(column.key for column in table.columns)
        entry = _UPDATES[model] = (
            update(table).where(key == bindparam("key_" + key.key, type_=key.type))
            .values({column.key: bindparam("set_" + column.key, type_=column.type)
                     for column in table.columns if not column.primary_key}),
            names, tuple(("key_" if table.c[name].primary_key else "set_") + name
                         for name in names))
    statement, names, params = entry
    changed = []
    for _key, (row, read) in sorted(buffer.items()):
        values = tuple(row[name] for name in names)
        if values != read:
            changed.append(dict(zip(params, values)))
    if changed:
        execute_many(session, ("values_update", model), lambda _dialect: statement, changed)


_UPDATES = {}


def add(session, model, columns, deltas, values=("count",)):
    """`deltas`: {key tuple (values of `columns`, the primary key): change}, a change being a
    number, or a tuple of numbers when several `values` columns are summed (deals: count,
    cents, seconds). Summed into the transaction's pending changes and upserted just before it
    commits (`pending`)."""
    values = tuple(values)
    buffer = sums(session, model, columns, values)
    if len(values) == 1:             # plain counts: no tuples on the hot path of every event
        for key, change in deltas.items():
            buffer[key] = buffer.get(key, 0) + change
        return
    zero = (0,) * len(values)
    for key, change in deltas.items():
        buffer[key] = tuple(a + b for a, b in zip(buffer.get(key, zero), change))


def sums(session, model, columns, values=("count",)):
    """The transaction's pending changes of `model` ({key: change}, as `add` sums them): a
    handler moving many counts per event adds to it directly."""
    columns, values = tuple(columns), tuple(values)
    return pending(session, f"rollup:{model.__tablename__}",
                   lambda session, sums: _upsert(session, model, columns, values, sums))


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
    _insert_rows(session, ("rollup", model, columns, values), build, rows)


def _insert_rows(session, name, build, rows):
    """`insert_precompiled`, with the several-row cases compiled once: PostgreSQL's as
    `insert_returning`, SQLite's executed as a Compiled (`execute_many`; no caller reads the
    rowcount of several rows)."""
    if len(rows) > 1 and session.get_bind().dialect.name == "postgresql":
        def returning(dialect):
            statement = build(dialect)
            return statement.returning(*statement.table.primary_key.columns)
        return insert_returning(session, ("returning", name), returning, rows)
    if len(rows) > 1:           # SQLite: no rowcount read of several rows (lock_values)
        return execute_many(session, ("many", name), build, rows)
    return insert_precompiled(session, name, build, rows)


def insert_binds(dialect, model, names):
    """INSERT INTO model's table, a typed parameter per name (see db.precompiled)."""
    table = model.__table__
    return dialect.insert(table).values({name: bindparam(name, type_=table.c[name].type)
                                         for name in names})
