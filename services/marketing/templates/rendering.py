"""Rendering a template for a contact — in Jinja2's sandbox, never as Python (issue 11 §5).

- Tokens: `{{ contact.first_name | default("there") }}`, `{{ contact.company }}`, … (FIELDS),
  and `{{ unsubscribe_url }}`. A value marketing does not know is left out of the context,
  so `default(...)` applies to it, and an unknown attribute renders as nothing.
- The HTML body is autoescaped (a contact named `<b>` is shown, not obeyed); the subject and
  the text body are not (they are not HTML).
- `check()` compiles the three fields when a template is saved: a syntax error is reported
  with its field and line, as is a name other than the tokens (a typo such as `contcat`) and
  loops nested deeper than MAX_LOOP_DEPTH.
- The sandbox forbids attribute tricks (`''.__class__`); on top of it, ranges, repetition and
  powers are capped and the output is cut at MAX_OUTPUT characters, so a template cannot make
  a worker spin or fill its memory.
"""
import functools

from jinja2 import TemplateError, TemplateSyntaxError, meta, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

FIELDS = ("subject", "html", "text")
TOKENS = ("contact", "unsubscribe_url")
CONTACT_FIELDS = ("id", "kind", "name", "first_name", "last_name", "email", "role", "company",
                  "customer_name", "industry", "region", "size", "lifecycle_stage",
                  "value_class", "tags")
MAX_RANGE, MAX_REPEAT, MAX_POWER, MAX_LOOP_DEPTH = 1000, 10_000, 64, 2
MAX_OUTPUT = 1_000_000
PREVIEW_UNSUBSCRIBE_URL = "#unsubscribe"    # a broadcast puts each contact's own link there


class RenderError(Exception):
    """`errors`: {field: [message]} — the gateway's 422 names them."""

    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


def _capped_range(*args):
    values = range(*args)
    if len(values) > MAX_RANGE:
        raise SecurityError(f"range() is limited to {MAX_RANGE} items.")
    return values


class Sandbox(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**"})

    def __init__(self, autoescape):
        super().__init__(autoescape=autoescape, keep_trailing_newline=True)
        self.globals = {"range": _capped_range}

    def call_binop(self, context, operator, left, right):
        numbers = [v for v in (left, right) if isinstance(v, int)]
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > MAX_POWER:
            raise SecurityError(f"Powers above {MAX_POWER} are not allowed.")
        if operator == "*" and any(isinstance(v, (str, list, tuple)) for v in (left, right)) \
                and any(abs(n) > MAX_REPEAT for n in numbers):
            raise SecurityError(f"Repeating more than {MAX_REPEAT} times is not allowed.")
        return super().call_binop(context, operator, left, right)


ENVIRONMENTS = {"subject": Sandbox(autoescape=False), "html": Sandbox(autoescape=True),
                "text": Sandbox(autoescape=False)}


def _loop_depth(node, depth=0):
    inner = depth + 1 if isinstance(node, nodes.For) else depth
    return max([inner] + [_loop_depth(child, inner) for child in node.iter_child_nodes()])


def _problem(field, source):
    """The one message about `source` (None if it compiles and names only tokens)."""
    environment = ENVIRONMENTS[field]
    try:
        tree = environment.parse(source)
        environment.compile(tree)            # unknown filters / tests are found here
    except TemplateSyntaxError as error:
        return f"Line {error.lineno}: {error.message}"
    unknown = sorted(meta.find_undeclared_variables(tree) - set(TOKENS) - {"range"})
    if unknown:
        return (f"Unknown token {', '.join(unknown)} (known: {', '.join(TOKENS)}; a contact's "
                f"fields: contact.{', contact.'.join(CONTACT_FIELDS)}).")
    if _loop_depth(tree) > MAX_LOOP_DEPTH:
        return f"Loops nest at most {MAX_LOOP_DEPTH} deep."
    return None


def check(values):
    """{field: [message]} for the given fields of a template (empty: all compile)."""
    return {field: [message] for field in FIELDS if field in values
            if (message := _problem(field, values[field])) is not None}


def contact_context(profile):
    """What `contact` holds for a profile (audience/profile.py), or for nobody (None): the
    unknown values left out, so `default(...)` fills them in."""
    if profile is None:
        return {}
    name = (profile.get("name") or "").strip()
    personal = profile.get("kind") == "contact" or profile.get("customer_kind") == "individual"
    first, _, last = name.partition(" ") if personal else ("", "", "")
    values = {**{key: profile.get(key) for key in CONTACT_FIELDS},
              "first_name": first, "last_name": last.strip(),
              "company": profile.get("customer_name") if profile.get("kind") == "contact"
              or profile.get("customer_kind") != "individual" else None}
    return {key: value for key, value in values.items() if value not in (None, "", [])}


@functools.lru_cache(maxsize=256)
def _compiled(field, source):
    """Compiled once per source (a broadcast renders one template for every recipient)."""
    return ENVIRONMENTS[field].from_string(source)


def render(template, profile, unsubscribe_url=PREVIEW_UNSUBSCRIBE_URL):
    """{subject, html, text} of `template` (anything with those attributes) for `profile`;
    RenderError naming the field that fails at run time (a sandbox violation, 1/0, …)."""
    context = {"contact": contact_context(profile), "unsubscribe_url": unsubscribe_url}
    rendered, errors = {}, {}
    for field in FIELDS:
        try:
            compiled = _compiled(field, getattr(template, field))
            output, size = [], 0
            for chunk in compiled.generate(context):
                size += len(chunk)
                if size > MAX_OUTPUT:
                    raise SecurityError(f"The output is longer than {MAX_OUTPUT} characters.")
                output.append(chunk)
            rendered[field] = "".join(output)
        except (TemplateError, ArithmeticError, TypeError, ValueError, LookupError) as error:
            errors[field] = [f"Cannot be rendered: {error}"]
    if errors:
        raise RenderError(errors)
    rendered["subject"] = " ".join(rendered["subject"].split())     # one line, as a header
    return rendered
