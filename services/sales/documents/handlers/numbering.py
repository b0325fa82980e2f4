"""Sales' document numbers ("Q-", "C-", "O-", "INV-"...): the chassis' gapless counter on
sales' own `document_counter` table."""
from services.chassis import numbering
from services.sales.documents.models import DocumentCounter


def next_number(session, kind, year):
    return numbering.next_number(session, DocumentCounter, kind, year)
