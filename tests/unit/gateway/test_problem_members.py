"""Every extension member a problem document can carry is declared in the API document.

The members are collected from the code itself: the keys of the `details` dict literals given
to the domain errors that are not a 422 (their details become members; a 422's go under
`errors`), to helpers named after them (`flush_or_conflict`, `not_found`), and the keyword
extensions of the gateway's own problems (and those `problem_members` adds to any error). A
member added in the code and not in gateway/schemas.py:Problem fails here before a client
meets it.
"""
import ast
import re
from pathlib import Path

from gateway.problems import RESERVED
from gateway.schemas import Problem
from services.chassis import rpc  # noqa: F401  (registers ServiceUnavailable)
from services.chassis.errors import CrmError

ROOT = Path(__file__).resolve().parents[3]
HELPERS = re.compile(r"^(\w+_or_)?(conflict|not_found|forbidden)$", re.IGNORECASE)
GATEWAY_PROBLEMS = {"HttpProblem", "problem_response", "problem_members"}
NOT_MEMBERS = {"headers", "instance", "code", "call_id"}


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _callee(node):
    return getattr(node.func, "id", None) or getattr(node.func, "attr", None) or ""


def collected_members():
    errors = {cls.__name__ for cls in _subclasses(CrmError) if cls.http_status != 422}
    members = {}
    for path in [*ROOT.joinpath("services").rglob("*.py"), *ROOT.joinpath("gateway").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call):
                continue
            name, where = _callee(node), f"{path.relative_to(ROOT)}:{node.lineno}"
            if name in errors or HELPERS.search(name):
                for arg in node.args[1:]:
                    if isinstance(arg, ast.Dict):
                        for key in arg.keys:
                            if isinstance(key, ast.Constant):
                                members.setdefault(key.value, where)
            if name in GATEWAY_PROBLEMS:
                for keyword in node.keywords:
                    if keyword.arg and keyword.arg not in NOT_MEMBERS:
                        members.setdefault(keyword.arg, where)
    return members


def test_every_extension_member_sent_is_declared():
    members = collected_members()
    assert len(members) > 20, f"the collector found too little to check: {sorted(members)}"
    sent = {name: where for name, where in members.items() if name not in RESERVED}
    undeclared = {name: where for name, where in sent.items() if name not in Problem().fields}
    assert not undeclared, f"problem members sent, not in gateway/schemas.py:Problem: {undeclared}"


def test_nothing_is_declared_that_nobody_sends():
    sent = set(collected_members()) | {"call_id", "errors"}
    declared = set(Problem().fields) - RESERVED
    assert declared <= sent, f"declared but never sent: {sorted(declared - sent)}"
