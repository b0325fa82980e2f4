"""validation.load builds each schema class once: a marshmallow schema deep-copies its declared
fields when built (more CPU than loading a request with it), and nothing of a load stays on the
instance — partial, errors and results are per call."""
import pytest
from marshmallow import fields

from services.chassis.errors import Invalid
from services.chassis.fields import Input
from services.chassis.validation import load, load_each


class Counted(Input):
    built = 0
    name = fields.String(required=True)
    size = fields.Integer()

    def __init__(self, *args, **kwargs):
        type(self).built += 1
        super().__init__(*args, **kwargs)


def test_a_schema_class_is_built_once_and_each_load_is_its_own():
    Counted.built = 0
    assert load(Counted, {"name": "Acme", "size": 3}) == {"name": "Acme", "size": 3}
    assert load(Counted, {"size": 4}, partial=True) == {"size": 4}
    with pytest.raises(Invalid) as caught:                    # not partial: name is required
        load(Counted, {"size": 5})
    assert set(caught.value.details) == {"name"}
    results = load_each(Counted, [{"name": "Bell"}, {"size": "many"}])
    assert results[0] == {"name": "Bell"} and isinstance(results[1], Invalid)
    assert Counted.built == 1


def test_an_instance_is_refused_with_a_clear_error():
    with pytest.raises(TypeError, match="take a schema class"):
        load(Counted(), {"name": "Acme"})
