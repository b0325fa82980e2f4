"""What lead conversion relies on in customers' RPC: `create_customer` accepts the details a
valid lead produces (with owner_id for managers and admins), answers `id` and `owner_id`, and
refuses a twin with a registered Conflict naming `duplicate_of` — which sales links to."""
import pytest
from nameko.exceptions import get_module_path, registry
from sqlalchemy.orm import Session

from services.chassis.errors import Conflict
from services.customers import duplicates
from services.customers import schemas as customers_schemas
from services.customers.models import Base as CustomersBase
from services.customers.models import Customer
from services.customers.service import CustomersService
from services.sales import schemas as sales_schemas
from services.sales.leads.handlers.conversion import customer_details
from services.sales.leads.models import Lead

LEADS = [
    {"contact_name": "Ada", "contact_email": "ada@engines.example"},
    {"contact_name": "Ada", "contact_phone": "+44 (20) 7946-0000", "company_name": "Engines",
     "industry": "Computing", "company_size": 10_000_000, "region": "EU", "source": "referral",
     "website": "https://engines.example/" + "x" * 2000, "campaign": "Spring"},
    {"contact_name": "東京 太郎", "contact_email": "taro@tokyo.example", "company_name": "東" * 200,
     "industry": "x" * 100, "region": "y" * 64, "source": "other", "company_size": 0},
]


@pytest.mark.parametrize("lead_data", LEADS)
def test_a_valid_lead_gives_details_customers_accepts(lead_data):
    loaded = sales_schemas.LeadCreate().load(lead_data)
    details = customer_details(Lead(**loaded))
    accepted = customers_schemas.CustomerCreate().load({**details, "owner_id": "u-rep-a"})
    assert accepted["name"] == (lead_data.get("company_name") or lead_data["contact_name"])
    assert accepted.get("email") == lead_data.get("contact_email")
    assert accepted["lifecycle_stage"] == "prospect"


def test_create_customer_is_the_rpc_and_answers_id_and_owner():
    assert callable(getattr(CustomersService, "create_customer"))
    assert {"id", "owner_id"} <= set(customers_schemas.Customer().fields)


def test_a_twin_is_a_registered_conflict_naming_the_existing_customer(memory_engine):
    CustomersBase.metadata.create_all(memory_engine)
    with Session(memory_engine) as session:
        session.add(Customer(id="c-1", kind="company", name="Engines", name_norm="engines",
                             search_text="engines", email="ada@engines.example",
                             email_norm="ada@engines.example", lifecycle_stage="prospect",
                             created_by="u"))
        session.flush()
        with pytest.raises(Conflict) as error:
            duplicates.refuse_duplicate(session, {"name": "Other", "email": "ADA@engines.example"})
    assert error.value.details["duplicate_of"] == "c-1"
    assert registry[get_module_path(Conflict)] is Conflict     # rebuilt as Conflict in sales
