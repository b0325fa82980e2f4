"""The sales forecast (GET /reports/sales/forecast): for the company or per owner, the owner's
region or product, and per currency (never summed across currencies):

- won so far in each period (exact sums of the won deals closed in it, local dates in `tz`);
- the open pipeline weighted two ways: by the configured stage probabilities and by the win
  rates calibrated from the scope's own closed deals (calibration.py) — in the period of each
  deal's expected close date (the current one when that date is past), all of it beside the
  periods (with the part that has no expected close date);
- a time-series forecast of the won amount of the current and next periods with its 95 %
  prediction interval, fitted on the complete periods before the current one (series.py);
- one expected total per period: won so far + the calibrated weighted pipeline expected to
  close in it + the run-rate remainder (expected() below);
- that method's back-test on the same history (the last periods held out) next to the naive
  baselines, so the reader sees whether the model beats "same as last period" here.

As of the end of the local day `as_of` (default today; a later day is refused): the period
containing it is the current one, and the deals are read as they were then — won: closed won
before the cut-off; open: created before it and not closed by then, in the stage they were in
(the last stage entered before it, weighted by that stage's configured probability and
calibrated rate); the stage rates calibrated from the deals closed before it. What the facts do
not keep as of a day (amounts, expected close dates, owners, lines) is today's.

Scoped like every sales report (a rep: own deals; a manager: the team's; admin: all). `now` is
injected by the tests; the service passes none (the wall clock).
"""
from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from services.chassis.errors import Invalid
from services.chassis.validation import load
from services.reporting import periods, scoping
from services.reporting.domains.sales.forecast import calibration, series
from services.reporting.domains.sales.forecast.schemas import ForecastQuery
from services.reporting.domains.sales.models import (DealFact, DealLineFact, DealStageEntry,
                                                     StageFact)
from services.reporting.domains.sales.queries import cuts as sales_cuts

CENT = Decimal("0.01")
LEVEL = 0.95
STEP = {"month": 1, "quarter": 3}


def _money(value):
    return str(Decimal(str(value)).quantize(CENT, ROUND_HALF_UP))


def _cents(cents):
    return str((Decimal(cents) / 100).quantize(CENT))


def _weighted(cents, share):
    """cents × share (an exact Fraction), half-up to the cent."""
    return int((Decimal(cents) * Decimal(share.numerator) / Decimal(share.denominator))
               .quantize(Decimal(1), ROUND_HALF_UP))


def shift(label, granularity, count):
    """The period start `count` periods after `label`."""
    months = label.year * 12 + label.month - 1 + STEP[granularity] * count
    return label.replace(year=months // 12, month=months % 12 + 1, day=1)


def forecast(session, principal, query, now=None):
    query = load(ForecastQuery, query or {})
    granularity, group_by, tz = query["granularity"], query["group_by"], query["tz"]
    today = periods.today_in(tz, now)
    as_of = query.get("as_of") or today
    if as_of > today:
        raise Invalid("The request is not valid.", {"as_of": [
            f"Must not be after today ({today.isoformat()} in {tz}): a forecast is made from "
            "what has happened."]})
    cutoff = datetime.combine(as_of + timedelta(days=1), time(), tzinfo=ZoneInfo(tz))
    current = periods.Period(as_of, as_of, tz, granularity).label_of_day(as_of)
    where = [scoping.scope(session, principal, DealFact.owner_id)]
    counts = calibration.calibrate(calibration.stage_entries(session, where, cutoff))
    configured, position = _configured(session)
    groups = _groups(session, query, where, counts, current, cutoff, configured)
    rows = [_row(key, group, group_by, granularity, current, query["periods"])
            for key, group in sorted(groups.items(), key=lambda item: [v or "" for v in item[0]])]
    rows = sales_cuts.label_products(session, scoping.label(session, rows, group_by), group_by)
    return {"granularity": granularity, "tz": tz, "today": today.isoformat(),
            "as_of": as_of.isoformat(), "group_by": group_by,
            "probabilities": _probabilities(counts, configured, position), "rows": rows}


def _groups(session, query, where, counts, current, cutoff, configured):
    """{(*cuts, currency): {"won": {period: cents}, "pipeline": {period of the expected close
    or None: [deals, cents, configured, calibrated]}}} from the scope's deals as they were at
    `cutoff` (a product's share: its line totals): won = closed won before it; open = created
    before it and not closed then, weighted by the stage it was in then."""
    group_by, zone = query["group_by"], ZoneInfo(query["tz"])
    label = periods.Period(current, current, query["tz"], query["granularity"]).label_of_day
    deals = session.execute(
        select(DealFact.id, DealFact.owner_id, DealFact.stage, DealFact.status,
               DealFact.probability, DealFact.amount_cents, DealFact.currency, DealFact.closed_at,
               DealFact.expected_close_date, DealFact.created_at)
        .where(DealFact.status.in_(("open", "won", "lost")), DealFact.currency.is_not(None),
               *where))
    stages_then = _stages_at(session, where, cutoff)
    lines = _lines(session, where) if "product_id" in group_by else {}
    cut, groups = sales_cuts.owner_cut(session, group_by), {}
    for (deal_id, owner, stage, status, probability, cents, currency, closed_at, expected,
         created_at) in deals:
        if created_at is not None and created_at >= cutoff:
            continue                            # not there yet
        if status != "open" and (closed_at is None or closed_at < cutoff):
            if status == "lost" or closed_at is None:
                continue
        elif deal_id in stages_then or status != "open":
            # moved (or closed) after the cutoff: open then, in the stage it was in then
            stage = stages_then.get(deal_id)
            status, probability = "open", configured.get(stage) or 0
        owner_cuts = dict(zip([n for n in group_by if n in sales_cuts.OWNER_CUTS], cut(owner)))
        shares = lines.get(deal_id, []) if "product_id" in group_by else [(None, cents)]
        for product, share_cents in shares:
            cuts = {**owner_cuts, "product_id": product}
            group = groups.setdefault((*(cuts[name] for name in group_by), currency),
                                      {"won": {}, "pipeline": {}})
            if status == "won":
                period = label(closed_at.astimezone(zone).date())
                group["won"][period] = group["won"].get(period, 0) + share_cents
            else:
                rate = calibration.rate(counts, stage)
                configured_cents = _weighted(share_cents, Fraction(probability or 0, 100))
                # an expected close date already past, the deal still open: expected now
                period = max(label(expected), current) if expected else None
                pipeline = group["pipeline"].setdefault(period, [0, 0, 0, 0])
                pipeline[0] += 1
                pipeline[1] += share_cents
                pipeline[2] += configured_cents
                pipeline[3] += configured_cents if rate is None else _weighted(share_cents, rate)
    return groups


def _stages_at(session, where, cutoff):
    """{deal id: the stage it was in at `cutoff` (None: unknown)} of the deals whose stage
    changed at or after it (moved or closed since; none for a cutoff at the end of today)."""
    later = select(DealStageEntry.deal_id).join(DealFact, DealFact.id == DealStageEntry.deal_id) \
        .where(DealStageEntry.entered_at >= cutoff, *where).distinct()
    moved = {deal_id: None for (deal_id,) in session.execute(later)}
    if moved:
        for deal_id, stage in session.execute(
                select(DealStageEntry.deal_id, DealStageEntry.to_stage)
                .where(DealStageEntry.deal_id.in_(later), DealStageEntry.entered_at < cutoff)
                .order_by(DealStageEntry.entered_at, DealStageEntry.sequence)):
            moved[deal_id] = stage              # the last one entered before the cutoff
    return moved


def _lines(session, where):
    found = {}
    for deal_id, product, cents in session.execute(
            select(DealLineFact.deal_id, DealLineFact.product_id, DealLineFact.total_cents)
            .join(DealFact, DealFact.id == DealLineFact.deal_id)
            .where(DealFact.status.in_(("open", "won")), *where)):
        found.setdefault(deal_id, []).append((product, cents))
    return found


def _row(key, group, group_by, granularity, current, horizon):
    *values, currency = key
    won = group["won"]
    past = sorted(period for period in won if period < current)
    history = []
    if past:
        label = past[0]
        while label < current:                  # zero-filled: a period with no win is a 0
            history.append(label)
            label = shift(label, granularity, 1)
    amounts = [won.get(label, 0) / 100 for label in history]
    points = series.forecast(amounts, horizon, granularity, LEVEL)
    pipeline = group["pipeline"]
    total = [sum(values[index] for values in pipeline.values()) for index in range(4)]
    return {**dict(zip(group_by, values)), "currency": currency,
            "history": [{"period": label.isoformat(), "won": _cents(won.get(label, 0))}
                        for label in history],
            "periods": [_period(shift(current, granularity, index), index, won, pipeline,
                                points[index] if points else None) for index in range(horizon)],
            "open_pipeline": {**_pipeline(total),
                              "undated": _pipeline(pipeline.get(None, [0, 0, 0, 0]))},
            "backtest": _backtest(amounts, horizon, granularity)}


def _pipeline(values):
    deals, amount, configured, calibrated = values
    return {"open_deals": deals, "amount": _cents(amount),
            "weighted_configured": _cents(configured), "weighted_calibrated": _cents(calibrated)}


def expected(won_cents, calibrated_cents, mean):
    """(run-rate remainder in cents or None, expected total in cents) of a period: won so far
    + the calibrated weighted open pipeline expected to close in it + the remainder, the part
    of the time series' forecast (`mean`, None without one) that those two do not account for
    — the business not in the pipeline yet — never below zero. The mean is taken rounded to
    the cent as shown, so the three shown figures add up to the total exactly."""
    if mean is None:
        return None, won_cents + calibrated_cents
    mean_cents = int((Decimal(str(mean)) * 100).quantize(Decimal(1), ROUND_HALF_UP))
    remainder = max(0, mean_cents - won_cents - calibrated_cents)
    return remainder, won_cents + calibrated_cents + remainder


def _period(label, index, won, pipeline, point):
    in_period = pipeline.get(label, [0, 0, 0, 0])
    remainder, total = expected(won.get(label, 0), in_period[3], point.mean if point else None)
    return {"period": label.isoformat(), "current": index == 0,
            "won_so_far": _cents(won.get(label, 0)),
            "pipeline": _pipeline(in_period),
            "forecast": {"mean": _money(point.mean), "lower": _money(point.lower),
                         "upper": _money(point.upper), "level": LEVEL} if point else None,
            "run_rate_remainder": None if remainder is None else _cents(remainder),
            "expected_total": _cents(total)}


def _backtest(amounts, horizon, granularity):
    """The last periods of the history held out (as many as asked, leaving the model at least
    its minimum history); None when the history is too short to hold any out."""
    held_out = min(horizon, len(amounts) - series.MIN_HISTORY)
    if held_out < 1:
        return None
    result = series.backtest(amounts, len(amounts) - held_out, held_out, granularity)
    return {"train_periods": result["train_periods"], "test_periods": result["test_periods"],
            "season_length": result["season_length"],
            "methods": {name: {"mae": None if figures["mae"] is None else _money(figures["mae"]),
                               "mape": None if figures["mape"] is None
                               else round(figures["mape"], 2)}
                        for name, figures in result["methods"].items()}}


def _configured(session):
    """({stage: configured percentage}, {stage: pipeline position})."""
    configured, position = {}, {}
    # before any pipeline_stage_updated the stage rows are placeholders: the deals' events
    # carried the probability, and the deals in the stage keep it (projections/stages.py)
    for stage, probability in session.execute(
            select(DealFact.stage, func.max(DealFact.probability))
            .where(DealFact.stage.is_not(None)).group_by(DealFact.stage)):
        configured[stage] = probability
    for key, probability, place in session.execute(
            select(StageFact.key, StageFact.probability, StageFact.position)):
        if probability is not None:
            configured[key] = probability
        position[key] = place
    return configured, position


def _probabilities(counts, configured, position):
    """Per stage (pipeline order): the configured percentage next to the calibrated rate."""
    names = sorted(set(configured) | set(counts),
                   key=lambda stage: (position.get(stage) is None, position.get(stage) or 0, stage))
    answer = []
    for stage in names:
        if stage in calibration.CLOSED:
            continue
        won, closed = counts.get(stage, (0, 0))
        rate = calibration.rate(counts, stage)
        answer.append({"stage": stage, "configured": configured.get(stage),
                       "calibrated": round(float(rate), 4) if rate is not None else None,
                       "won": won, "closed": closed})
    return answer
