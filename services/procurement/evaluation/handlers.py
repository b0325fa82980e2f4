"""Evaluation's use cases: read and set the criteria and threshold; score a supplier for a
period or for one of its purchase orders (each criterion once; weights in force kept with it;
one evaluation per supplier and period, or per order: again is a 409 naming it); the supplier's
score follows its latest evaluation by `as_of` (a period's end; an order's last goods receipt)
— under the threshold it is flagged (supplier_flagged), back at or above it the flag clears —
and, when asked, a flagged active supplier is put on hold; its evaluation history, newest
first. On-time delivery is not typed: it is the on-time rate of the period's receipts, or of the
order's (on_time.py); with no receipts in the period it is left out (the evaluation's
`left_out` says so; its event's scores and weights simply omit it) and the other criteria's
weights count alone. An order is evaluated once its deliveries are over — `received` or
`closed` (orders/statuses.FINISHED: it has receipts and no more can come, so its on-time rate is
final); a draft, sent, partially received or cancelled order is a 409, an order that is not
this supplier's a 422. The supplier's on-time delivery over all its receipts:
`get_on_time_delivery`."""
import json
import uuid

from sqlalchemy import func, select

from services.chassis import pagination
from services.chassis.errors import Conflict, Invalid
from services.chassis.models import utcnow
from services.chassis.validation import load
from services.procurement import metrics
from services.procurement.evaluation import criteria, on_time, schemas
from services.procurement.evaluation.models import EvaluationConfig, SupplierEvaluation
from services.procurement.orders import statuses as order_statuses
from services.procurement.orders.models import GoodsReceipt, PurchaseOrder
from services.procurement.suppliers import handlers as suppliers, statuses
from services.procurement.suppliers.record import one as supplier_one, record_change

CRITERIA, EVALUATION, ON_TIME = schemas.Criteria(), schemas.Evaluation(), schemas.SupplierOnTimeDelivery()
HOLD_REASON = "Evaluation {period}: weighted score {score} under the threshold {threshold}."
NOT_THE_SUPPLIERS = "Not a purchase order of this supplier."


def get_criteria(session):
    return CRITERIA.dump(criteria.current(session))


def set_criteria(uow, principal, data):
    fields, session = load(schemas.CriteriaSet, data), uow.session
    keys = [criterion["key"] for criterion in fields["criteria"]]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    if repeated:
        raise Invalid("The request is not valid.", {"criteria": [
            f"Each criterion once: {', '.join(repeated)} repeated."]})
    now = utcnow()
    row = session.get(EvaluationConfig, 1, with_for_update=True)
    if row is None:
        row = EvaluationConfig(id=1)
        session.add(row)
    row.criteria = json.dumps(fields["criteria"], ensure_ascii=False)
    row.flag_threshold, row.updated_by, row.updated_at = (fields["flag_threshold"],
                                                          principal.user_id, now)
    uow.emit("evaluation_criteria_changed", {
        "criteria": fields["criteria"], "flag_threshold": fields["flag_threshold"],
        "changed_by": principal.user_id, "changed_at": now})
    return get_criteria(session)


def _scores(fields, config):
    """The typed scores and the weights in force — on_time_delivery is not typed: it is
    computed from receipts (`_computed`)."""
    weights = {c["key"]: c["weight"] for c in config["criteria"]}
    given, errors = {}, []
    for item in fields["scores"]:
        key = item["criterion"]
        if key == on_time.CRITERION and key in weights:
            errors.append(f"{key}: computed from the supplier's goods receipts in the period "
                          f"(or of the order), not typed in — leave it out.")
        elif key not in weights:
            errors.append(f"{key}: not a criterion (criteria: {', '.join(weights)}).")
        elif key in given:
            errors.append(f"{key}: scored twice.")
        given[key] = item["score"]
    missing = [key for key in weights if key not in given and key != on_time.CRITERION]
    if missing:
        errors.append(f"Not scored: {', '.join(missing)}.")
    if errors:
        raise Invalid("The request is not valid.", {"scores": errors})
    return given, weights


def _computed(session, supplier_id, subject, scores, weights):
    """on_time_delivery (when a criterion) from the period's receipts, or the order's; none in
    the period: it is left out and the other weights count alone. Returns the criteria left
    out."""
    if on_time.CRITERION not in weights:
        return []
    rate = on_time.delivery(session, supplier_id, subject["period_start"],
                            subject["period_end"], subject["order_id"])["on_time_rate"]
    if rate is not None:
        scores[on_time.CRITERION] = rate
        return []
    del weights[on_time.CRITERION]
    if not weights:
        raise Invalid("The request is not valid.", {"period_end": [
            f"No goods receipts from this supplier in the period, and {on_time.CRITERION} is "
            f"the only criterion: nothing to score."]})
    return [on_time.CRITERION]


def dump(row, current):
    scores, weights = json.loads(row.scores), json.loads(row.weights)
    return EVALUATION.dump({
        **{c.key: getattr(row, c.key) for c in SupplierEvaluation.__table__.columns},
        "scores": [{"criterion": key, "score": scores[key], "weight": weight}
                   for key, weight in weights.items()],
        "left_out": [{"criterion": key, "reason": on_time.NO_RECEIPTS}
                     for key, score in scores.items() if score is None],
        "current": current})


def latest(session, supplier_id):
    """The evaluation the supplier's score is: its latest `as_of` (then the latest entered)."""
    return session.scalar(select(SupplierEvaluation)
                          .where(SupplierEvaluation.supplier_id == supplier_id)
                          .order_by(SupplierEvaluation.as_of.desc(),
                                    SupplierEvaluation.created_at.desc(),
                                    SupplierEvaluation.id.desc()).limit(1))


def _period(fields):
    start, end = fields["period_start"], fields["period_end"]
    if end < start:
        raise Invalid("The request is not valid.", {"period_end": ["Before period_start."]})
    return {"period_start": start, "period_end": end, "order_id": None, "as_of": end,
            "key": f"period:{start.isoformat()}/{end.isoformat()}", "label": f"{start} – {end}"}


def _order(session, supplier, order_id):
    """The supplier's finished order (received or closed), as the evaluation's subject; as_of:
    its last receipt."""
    order = session.scalar(select(PurchaseOrder).where(PurchaseOrder.id == order_id))
    if order is None or order.supplier_id != supplier.id:
        raise Invalid("The request is not valid.", {"order_id": [NOT_THE_SUPPLIERS]})
    if order.status not in order_statuses.FINISHED:
        raise Conflict(f"Purchase order {order.number} is {order.status}: an order is evaluated "
                       f"once its deliveries are over (received or closed).",
                       {"id": order.id, "allowed": list(order_statuses.FINISHED)})
    last = session.scalar(select(func.max(GoodsReceipt.received_on)).where(
        GoodsReceipt.order_id == order.id))
    return {"period_start": None, "period_end": None, "order_id": order.id,
            "as_of": last or order.expected_on, "key": f"order:{order.id}",
            "label": f"order {order.number}"}


def evaluate_supplier(uow, principal, supplier_id, data):
    fields, session = load(schemas.EvaluationCreate, data), uow.session
    subject = _period(fields) if "order_id" not in fields else None
    supplier = supplier_one(session, supplier_id, for_write=True)
    if subject is None:
        subject = _order(session, supplier, fields["order_id"])
    config = criteria.current(session)
    scores, weights = _scores(fields, config)
    left_out = _computed(session, supplier.id, subject, scores, weights)
    existing = session.scalar(select(SupplierEvaluation.id).where(
        SupplierEvaluation.supplier_id == supplier.id,
        SupplierEvaluation.subject == subject["key"]))
    if existing:
        raise Conflict(f"Supplier {supplier.id} is already evaluated for {subject['label']}.",
                       {"id": existing})
    now, threshold = utcnow(), config["flag_threshold"]
    score = criteria.weighted(scores, weights)
    row = SupplierEvaluation(
        id=str(uuid.uuid4()), supplier_id=supplier.id, subject=subject["key"],
        period_start=subject["period_start"], period_end=subject["period_end"],
        order_id=subject["order_id"], as_of=subject["as_of"],
        scores=json.dumps({**{k: str(v) for k, v in scores.items()}, **dict.fromkeys(left_out)}),
        weights=json.dumps(weights), weighted_score=score, threshold=threshold,
        below_threshold=score < threshold, comment=fields.get("comment"),
        evaluated_by=principal.user_id, created_at=now)
    session.add(row)
    session.flush()
    is_current = latest(session, supplier.id).id == row.id
    uow.emit("supplier_evaluated", {
        "evaluation_id": row.id, "supplier_id": supplier.id,
        "period_start": subject["period_start"], "period_end": subject["period_end"],
        "order_id": subject["order_id"], "scores": scores, "weights": weights,
        "weighted_score": score, "threshold": threshold, "current": is_current,
        "evaluated_by": principal.user_id, "evaluated_at": now})
    metrics.supplier_evaluated(row.below_threshold)
    if is_current:
        _follow(uow, principal, supplier, row, subject["label"], fields["hold_if_flagged"], now)
    return dump(row, is_current)


def _follow(uow, principal, supplier, row, label, hold, now):
    """The supplier's score becomes this evaluation's; flag or clear; hold if asked."""
    was_flagged = supplier.flagged
    changes = {"score": (supplier.score, row.weighted_score)}
    supplier.score, supplier.flagged, supplier.updated_at = row.weighted_score, row.below_threshold, now
    if was_flagged != row.below_threshold:
        changes["flagged"] = (was_flagged, row.below_threshold)
    record_change(uow, supplier, "evaluated", changes, principal.user_id, reason=label, at=now)
    event = {"supplier_id": supplier.id, "evaluation_id": row.id,
             "weighted_score": row.weighted_score, "threshold": row.threshold, "at": now}
    if row.below_threshold:
        uow.emit("supplier_flagged", event)
        metrics.supplier_flagged()
        if hold and supplier.status == statuses.ACTIVE:
            reason = HOLD_REASON.format(period=label, score=row.weighted_score,
                                        threshold=row.threshold)
            suppliers.set_status(uow, supplier, statuses.ON_HOLD, reason, principal.user_id)
    elif was_flagged:
        uow.emit("supplier_flag_cleared", event)


def get_on_time_delivery(session, supplier_id):
    """The supplier's on-time delivery over all its receipts."""
    return ON_TIME.dump(on_time.delivery(session, supplier_one(session, supplier_id).id))


def list_evaluations(session, supplier_id, query=None):
    filters = load(schemas.PageQuery, query or {})
    supplier = supplier_one(session, supplier_id)
    current = latest(session, supplier.id)
    statement = select(SupplierEvaluation).where(SupplierEvaluation.supplier_id == supplier.id)
    return pagination.newest_first(
        session, statement, SupplierEvaluation, filters, f"evaluations:{supplier.id}",
        lambda s, rows: [dump(row, current is not None and row.id == current.id) for row in rows])
