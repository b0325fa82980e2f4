"""create_customer for a batch (an import batch of IMPORT_BATCH_ROWS rows), with its rules and
its outcomes, row for row — at a few statements per batch instead of ~10 per row
(bench/FINDINGS.md, "Bulk import at scale"):

- each input loaded by the same schema (one instance), then build_customer (currency, parent);
- the duplicates of the whole batch read with two IN queries (duplicates.Lookup), each input
  then compared in order with the book and with the batch's earlier creations;
- the round-robin owners of the batch chosen in one turn of each pool's cursor
  (kernel Owners.next_owners: the order next_owner would have given, one call per customer);
- the customers inserted with one executemany, their events emitted as two runs (every
  customer_created of the batch, then every customer_assigned: each customer is created before
  it is assigned, as create_customer emits them), which the relay sends in packs, written by
  the unit of work's outbox with one executemany too.
"""
from services.chassis.errors import CrmError, Invalid
from services.chassis.validation import load_each
from services.customers import duplicates, normalize, schemas
from services.customers.handlers import assignment, customers


def create_customers(uow, principal, inputs):
    """Per input, in order: the stored Customer, or the CrmError create_customer would have
    raised for it (Invalid, Forbidden, Conflict naming the duplicate). Never forced."""
    session = uow.session
    outcomes, built = [], []
    for index, data in enumerate(load_each(schemas.CustomerCreate, inputs)):
        if isinstance(data, Invalid):
            outcomes.append(data)
            continue
        try:
            customer, owner_id = customers.build_customer(session, principal, data)
        except CrmError as error:
            outcomes.append(error)
            continue
        outcomes.append(None)
        built.append((index, customer, owner_id, data))

    # each input's name and phone normalised once: its duplicate keys (the lookup, the
    # comparison, the twin it becomes) and its stored columns are the same values
    normalised = [(normalize.email(data.get("email")), normalize.text(data.get("name")),
                   normalize.digits(data.get("phone"))) for *_, data in built]
    wanted = [duplicates.keys_of(*values) for values in normalised]
    twins = duplicates.Lookup(session, None, wanted=wanted)
    created = []
    for (index, customer, owner_id, _data), (_, name_text, phone_digits), keys in zip(
            built, normalised, wanted):
        match = twins.find_keys(keys)
        if match:
            outcomes[index] = duplicates.conflict(match)
            continue
        customers.stamp(customer, name_text, phone_digits)
        twins.add(customer, keys)                 # a later row of the file may be its twin
        customer.owner_id, reason = customers.owner_rule(principal, owner_id)
        created.append((customer, reason))
        outcomes[index] = customer

    turns = [customer for customer, reason in created if reason == "round_robin"]
    for customer, owner in zip(turns, assignment.next_owners(session, [c.region for c in turns])):
        customer.owner_id = owner
    if created:
        customers.insert(session, [customer for customer, _ in created])
    # the batch's customer_created, then its customer_assigned: two runs the relay sends in
    # packs (outbox.messages), where announce's order per customer interleaves them — each
    # customer still created before it is assigned
    for customer, _reason in created:
        uow.emit("customer_created", customers.record(customer))
    for customer, reason in created:
        customers.announce_owner(uow, principal, customer, reason)
    return outcomes
