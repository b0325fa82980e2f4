"""The supplier evaluation route documents both subjects an evaluation may have: a period
(period_start, period_end) or one purchase order (order_id), none of them required on its own,
and the evaluation answered names its order and the day it speaks for (as_of)."""
from gateway import openapi
from gateway.routes import ROUTES


def _schema(document, name):
    return document["components"]["schemas"][name]


def test_an_evaluation_is_of_a_period_or_of_an_order():
    document = openapi.build(ROUTES)
    post = document["paths"]["/api/v1/procurement/suppliers/{supplier_id}/evaluations"]["post"]
    assert "409" in post["responses"] and "order" in post["summary"]
    create = _schema(document, "EvaluationCreate")
    assert {"period_start", "period_end", "order_id", "scores"} <= set(create["properties"])
    assert create.get("required", []) == ["scores"]
    assert {"order_id", "as_of"} <= set(_schema(document, "Evaluation")["properties"])
