"""The declarative Base of procurement's own database (every area registers its tables on it;
models.py imports them all, so the migrations and the service see one metadata)."""
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass
