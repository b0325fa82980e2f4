"""Small SQL helpers that differ by dialect."""
from sqlalchemy.dialects import postgresql, sqlite


def insert_ignoring_conflicts(session, model, values, conflict_columns):
    """INSERT ... ON CONFLICT DO NOTHING: concurrent creators of the same row both succeed
    (one inserts, the other waits for it and does nothing) instead of one failing."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(model).values(values).on_conflict_do_nothing(
        index_elements=conflict_columns)
    session.execute(statement)
