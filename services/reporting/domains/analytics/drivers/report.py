"""What drives winning (GET /reports/sales/win-drivers) and the open deals' modelled odds (GET
/reports/sales/open-deal-odds), fitted on the closed deals in the caller's scope (a rep: their
own; a manager: the team's; admin: all — like the forecast's calibration), so no figure comes
from deals the reader may not see. `now` is injected by the tests (open deals' age)."""
from decimal import Decimal

from services.chassis.models import utcnow
from services.chassis.validation import load
from services.reporting import computed, scoping
from services.reporting.domains.analytics.drivers import features, model
from services.reporting.domains.analytics.drivers.schemas import OpenDealOddsQuery, WinDriversQuery
from services.reporting.domains.identity.queries import names
from services.reporting.domains.sales.models import DealFact

CENT = Decimal("0.01")
TOP = 3                 # factors named per open deal
SUBJECT = {"product": "Deals for {}", "industry": "Deals with customers in {}",
           "size": "Deals with companies of {}", "region": "Deals in region {}",
           "rep": "Deals owned by {}", "age": "Deals {} old"}

def _scope_key(condition):
    """The scope as its SQL: readers whose scopes select the same deals share one model (admins
    and the read-all roles), a rep has their own. Not one shared fit scoped afterwards: the
    coefficients would carry the outcomes of deals the reader may not see."""
    return str(condition.compile(compile_kwargs={"literal_binds": True}))


def _closed_and_fitted(session, principal, now):
    """The scope's closed deals and the model fitted on them (none: too few), as an entry kept
    per scope until the read models change (computed.py). A closed deal's attributes do not
    depend on `now` (its age ends at its close)."""
    where = [scoping.scope(session, principal, DealFact.owner_id)]

    def fitted():
        closed = features.deals(session, where, now, ("won", "lost"))
        return {"closed": closed, "fitted": model.fit(closed) if model.fittable(closed) else None}
    entry = computed.CACHE.get(session, ("win-model", _scope_key(where[0])), fitted)
    return where, entry


def _holdout(entry):
    """The hold-out's figures for the entry's deals: computed once, kept with the model they
    judge (so of the same data)."""
    if "holdout" not in entry:
        entry["holdout"] = model.holdout(entry["closed"])
    return dict(entry["holdout"])


def _reason(closed):
    return (f"Too few closed deals to fit a model: {len(closed)}, of which "
            f"{sum(d.status == 'won' for d in closed)} won (at least {model.MIN_CLOSED}, with "
            f"{model.MIN_EACH} won and {model.MIN_EACH} lost, are needed).")


def _labels(session, keys):
    found = names(session, [value for factor, value in keys if factor == "rep"])
    return {key: found.get(key[1]) or key[1] if key[0] == "rep" else key[1] for key in keys}


def _factor(fitted, key, label):
    deals, won = fitted.support.get(key, (0, 0))
    ratio = model.odds_ratio(fitted, key)
    subject = (f"Deals whose {key[0]} is unknown" if key[1] == features.UNKNOWN
               else SUBJECT[key[0]].format(label))
    return {"factor": key[0], "value": key[1], "label": label, "odds_ratio": round(ratio, 3),
            "deals": deals, "won": won, "win_rate": round(won / deals, 4) if deals else None,
            "detail": f"{subject} have {ratio:.2f}× the odds of winning of the average deal "
                      f"({won} won of {deals} closed)"}


def win_drivers(session, principal, query, now=None):
    query = load(WinDriversQuery, query or {})
    _where, entry = _closed_and_fitted(session, principal, now or utcnow())
    closed, fitted = entry["closed"], entry["fitted"]
    won = sum(deal.status == "won" for deal in closed)
    answer = {"closed_deals": len(closed), "won": won,
              "base_rate": round(won / len(closed), 4) if closed else None,
              "holdout": None, "reason": None, "total": 0, "factors": []}
    if fitted is None:
        return {**answer, "reason": _reason(closed)}
    wanted = set(query.get("factor") or features.FACTORS)
    keys = [key for key in fitted.centred
            if key[0] in wanted and fitted.support[key][0] >= query["min_deals"]]
    keys.sort(key=lambda key: (-abs(fitted.centred[key]), key))
    start = query["offset"]
    page = keys[start:start + query["limit"]]
    labels = _labels(session, page)
    return {**answer, "holdout": _holdout(entry), "total": len(keys),
            "factors": [_factor(fitted, key, labels[key]) for key in page]}


def open_deal_odds(session, principal, query, now=None):
    query = load(OpenDealOddsQuery, query or {})
    now = now or utcnow()
    where, entry = _closed_and_fitted(session, principal, now)
    closed, fitted = entry["closed"], entry["fitted"]
    _filters, owner_filter = scoping.filters(DealFact, query, ("owner_id",))
    open_deals = features.deals(session, where + owner_filter, now, ("open",))
    odds = model.probabilities(fitted, open_deals) if fitted else [None] * len(open_deals)
    ranked = sorted(zip(open_deals, odds), key=lambda pair: (
        -(pair[1] if pair[1] is not None else -1), pair[0].id))
    start = query["offset"]
    page = ranked[start:start + query["limit"]]
    tops = {deal.id: sorted((key for key in deal.attributes if fitted and key in fitted.centred),
                            key=lambda key: (-abs(fitted.centred[key]), key))[:TOP]
            for deal, _ in page}
    labels = _labels(session, {key for keys in tops.values() for key in keys})
    rows = scoping.label(session, [{
        "deal_id": deal.id, "owner_id": deal.owner_id, "customer_id": deal.customer_id,
        "stage": deal.stage, "currency": deal.currency,
        "amount": str((Decimal(deal.amount_cents) / 100).quantize(CENT)),
        "configured_probability": deal.probability,
        "win_probability": None if probability is None else round(probability, 4),
        "top_factors": [_factor(fitted, key, labels[key]) for key in tops[deal.id]]}
        for deal, probability in page], ("owner_id",))
    return {"closed_deals": len(closed), "reason": None if fitted else _reason(closed),
            "total": len(ranked), "rows": rows}


