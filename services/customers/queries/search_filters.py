"""WHERE conditions for the tag and free-text filters, shaped so a page stays cheap at any size.

A page is cheapest as a walk of a (filter, sort, id) index that stops after `limit` rows, each
row checked as it is read: that costs ~limit / density rows, so it is right for a *common*
tag or word and hopeless for a rare one (a walk of the whole table). A rare one is cheapest
the other way round: look its few rows up (tag index, trigram index), then sort just them.
We count the matches up to DENSE (a capped index read, so it costs at most DENSE entries) and
pick: under DENSE look up and sort, at or above it walk. Either way the work per page stays
around DENSE index entries at most, whatever the table size.
"""
import re

from sqlalchemy import (REAL, BigInteger, cast, column, exists, false, func, literal, literal_column, or_,
                        select, table, tablesample, text)
from sqlalchemy.orm import aliased

from services.customers import normalize, search_index
from services.customers.models import Customer, CustomerTag, Tag

DENSE = 5_000
PROBE = 20        # rows of the sort order per page row a PostgreSQL text search reads at least
SAMPLE = 1_000    # rows of a page sample a word's frequency is estimated from (PostgreSQL)
# Rows of the sort order a walk may read per match the word is expected to have: a walked row
# costs less than one match costs the trigram query (≈0.3 µs warm: 5,900 rows in 1.7 ms at 1M;
# ≈3.6 µs: 24,910 matches in 89 ms), so a walk that comes up short has cost under the index's price.
RENT = 1
# Hits of a common word a newest-first SQLite walk takes from FTS5 (the highest rowids), so a
# walked row among them is tested on the sort index alone (text_conditions)
NEWEST = 100
_FTS = table(search_index.FTS_TABLE, column("rowid"), column("search_text"))
# a whole address (something@domain.tld): an exact lookup on the indexed email_norm
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


def _count(session, matches):
    """How many rows `matches` (a SELECT) has, reading no more than DENSE of them: a capped
    probe of an index, never a COUNT(*) of a result."""
    return session.scalar(select(func.count()).select_from(matches.limit(DENSE).subquery()))


def _at_least(session, matches):
    return _count(session, matches) >= DENSE


def tag_conditions(session, filters, ranged=False):
    """(conditions, link) for tags_any (one of) and tags_all (every one of); ([], None) when
    neither.

    `ranged` (the page is in created_at order, the default): when one tag alone must be on every
    match (tags_any of one tag, or any of tags_all), `link` is a customer_tag alias joined on
    that tag, and the page walks its (tag, customer_created_at, customer_id) index — one range
    that stops after the page at any table size and any tag density. The other tags are probed
    per row. Otherwise (another sort, or tags_any of several tags) `link` is None and the
    conditions choose between walking the sort order and looking the rows up (`_tagged`).
    """
    groups = []
    for name, every in (("tags_any", False), ("tags_all", True)):
        if not filters.get(name):
            continue
        keys = {normalize.tag(t) for t in filters[name]}
        ids = list(session.scalars(select(Tag.id).where(Tag.name_norm.in_(keys))))
        if not ids or (every and len(ids) < len(keys)):
            return [false()], None                            # an unknown tag matches nothing
        groups.extend([[tag_id] for tag_id in ids] if every else [ids])
    if not groups:
        return [], None
    singles = [group for group in groups if len(group) == 1]
    if not ranged or not singles:
        return _tagged(session, groups), None
    # The rarest single tag drives (a capped count each; none for the usual one-tag filter).
    driver = singles[0] if len(singles) == 1 else min(
        singles, key=lambda group: _count(session, _rows(group)))
    link = aliased(CustomerTag)
    conditions = [link.customer_id == Customer.id, link.tag_id == driver[0],
                  *(_probe(group, Customer.id) for group in groups if group is not driver)]
    return conditions, link


def _rows(group):
    return select(CustomerTag.customer_id).where(CustomerTag.tag_id.in_(group))


def _probe(group, customer_id):
    other = aliased(CustomerTag)
    return exists().where(other.customer_id == customer_id, other.tag_id.in_(group))


def _tagged(session, groups):
    """Every group (a list of tag ids, any of them) must be on the customer.

    Candidates come from the rarest group, each probed for the others, so counting them costs
    at most that group's size; dense enough → walk the sort order probing every group per row,
    else look the candidates up and sort them.
    """
    sizes = [(_count(session, _rows(group)), index) for index, group in enumerate(groups)]
    driver = groups[min(sizes)[1]]
    candidates = _rows(driver).where(*(_probe(group, CustomerTag.customer_id)
                                       for group in groups if group is not driver))
    dense = min(sizes)[0] >= DENSE if len(groups) == 1 else _at_least(session, candidates)
    if not dense:
        return [Customer.id.in_(candidates)]
    return [_probe(group, Customer.id) for group in groups]


def _terms(q):
    """(text, digits) to look for: digits only for a phone-like query ("+1 (555) 010")."""
    text, digits = normalize.text(q), normalize.digits(q)
    if len(digits) < 3 or any(ch.isalpha() for ch in q):
        digits = ""
    return text, digits


def _indexed(text, digits):
    terms = [term for term in (text, digits) if term]
    return bool(terms) and all(len(term) >= search_index.MIN_CHARS for term in terms)


def text_conditions(session, q, newest_first=False):
    """`q` as a case-, width- and punctuation-insensitive substring of name, email or phone
    digits; a phone-like query also matches by digits ("+1 (555) 010" finds "15550100").

    A whole email address is an exact lookup. Otherwise the exact substring test (`_contains`)
    always applies; the trigram index narrows it first when every term has 3+ characters.
    Shorter queries (two-character CJK words such as 北京 are real searches) keep working as
    a walk in sort order: fast when the string is common, a scan when it is rare.
    `newest_first`: the first page in created_at order, newest first (SQLite's common word
    where newest_matches does not serve it: a tag filter, or rowids out of creation order).
    """
    if _EMAIL.match(q.strip()):
        return [Customer.email_norm == normalize.email(q)]
    text, digits = _terms(q)
    if not (text or digits):
        return [false()]                            # only punctuation: nothing can match it
    exact = _contains(text, digits)
    if not _indexed(text, digits):
        return [exact]
    if session.get_bind().dialect.name != "sqlite":
        # pg_trgm serves LIKE '%term%' on search_text; phone_norm's digits are in it too,
        # so the OR of two indexed LIKEs narrows and `exact` rechecks. The planner chooses.
        terms = [term for term in (text, digits) if term]
        return [or_(*(Customer.search_text.contains(term, autoescape=True) for term in terms)), exact]
    hits = select(_FTS.c.rowid).where(_FTS.c.search_text.match(_phrase(text, digits)))
    rowid = literal_column("customer.rowid")
    if not _at_least(session, hits):
        return [rowid.in_(hits), exact]             # rare: look the hits up, sort them
    if not newest_first:
        return [exact]                              # common: walk the sort order, test each row
    # Common, newest first: the walk starts among the newest rows, which have the highest
    # rowids (rows are inserted as customers are created), and the newest may lack the word
    # (in the full bench ~13,000 "Bench Write N" customers). So the walk takes the word's
    # NEWEST hits by rowid from FTS5 (it reads doclists downwards natively): a row at or above
    # the last of them holds the word exactly when it is one of them, which SQLite tests on the
    # sort index's rowid before reading the row (a term the index covers). Rows without the
    # word there are passed without the table; rows below are read and tested as before, and
    # `exact` rechecks every row the page keeps.
    newest = session.scalar(hits.order_by(_FTS.c.rowid.desc()).limit(1).offset(NEWEST - 1))
    if newest is None or not _head_above(session, newest):
        return [exact]                              # fewer hits than NEWEST, or nothing to pass
    return [or_(rowid < newest, rowid.in_(hits.where(_FTS.c.rowid >= newest))), exact]


def _phrase(text, digits):
    """The FTS5 query for the terms: either one, each a quoted string (no operators)."""
    return " OR ".join('"%s"' % term.replace('"', '""') for term in (text, digits) if term)


def newest_matches(session, query, q, limit):
    """SQLite: the first page, newest first, of `query`'s customers holding `q`, read from
    the text index's hits by rowid downwards (FTS5 reads them so natively and stops once the
    page is full) — exactly the page while customer's rowids follow (created_at, id)
    (search_index.ORDER_TABLE). Then a common word costs its first hits, a rare one all of
    them (as its lookup would), and neither the newest customers without it (the walk's cost
    in text_conditions, ~18,500 rows in the full bench). None when that does not apply: not
    SQLite, a whole email or a term the index cannot serve, or rowids out of that order."""
    if session.get_bind().dialect.name != "sqlite" or _EMAIL.match(q.strip()):
        return None
    text, digits = _terms(q)
    if not _indexed(text, digits) or not session.scalar(
            select(literal_column("in_order")).select_from(table(search_index.ORDER_TABLE))):
        return None
    return list(session.scalars(
        query.join(_FTS, _FTS.c.rowid == literal_column("customer.rowid"))
        .where(_FTS.c.search_text.match(_phrase(text, digits)), _contains(text, digits))
        .order_by(_FTS.c.rowid.desc()).limit(limit)))


def _head_above(session, newest):
    """Whether most of the NEWEST newest rows (the walk's head, created_at order) have a rowid
    at or above `newest`: only those rows can be passed by membership. Not so when rows were
    inserted after the newest ones but dated before them (an import of old records, the bench's
    seed.top_up after its write scenarios): then every walked row is read anyway, and the
    membership's read of the hits at or above `newest` only adds (1.5 ms CPU at 1M on the
    bench's own database, bench/FINDINGS.md, fifth session). A read of the sort index alone."""
    head = select(literal_column("customer.rowid").label("at")).select_from(Customer.__table__) \
        .order_by(Customer.created_at.desc(), Customer.id.desc()).limit(NEWEST).subquery()
    above, seen = session.execute(select(func.count().filter(head.c.at >= newest), func.count())
                                  .select_from(head)).one()
    return 2 * above >= seen > 0


def walk_terms(session, q):
    """The (text, digits) terms of `q` when a bounded walk of the sort order should be tried
    before the text index (search._walked); None when not.

    PostgreSQL only. pg_trgm's bitmap returns *every* row holding the word, so a common word
    costs its whole posting list plus a sort of it per page (25,000 rows for "logistics" at
    1M: 89 ms warm, 10× its 10k figure), and the planner cannot know how many rows a `LIKE
    '%word%'` keeps. Reading the next rows of the sort order and testing each costs what the
    walk reads at any table size (~0.3 µs a row warm: 5,900 rows in 1.7 ms at 1M), and fills
    the page whenever the word is common enough within the walk's reach (`reach`). SQLite counts
    the FTS5 hits instead (text_conditions). A whole email is an exact index lookup, and a
    term too short for trigrams walks anyway, so neither needs it.
    """
    if session.get_bind().dialect.name != "postgresql" or _EMAIL.match(q.strip()):
        return None
    terms = _terms(q)
    return terms if _indexed(*terms) else None


def matches(terms, columns):
    """The exact test of the (text, digits) terms on `columns` (an entity or a subquery's .c)."""
    return _contains(*terms, columns)


def reach(terms, limit):
    """SQL: how many rows of the sort order a walk for a page of `limit` may read — PROBE ×
    limit, or RENT per match the terms are expected to have (`expected_matches`) when more: a
    rare word then pays a short walk before the index, and a common word reaches past newest
    rows that lack it (in the full bench its write scenario's ~9,000 customers) at a cost that
    follows that gap, not the table size; a walk that still comes up short has cost about what
    the index will (its posting lists, and one row per match read and sorted)."""
    return cast(func.greatest(PROBE * limit, func.ceil(RENT * expected_matches(terms))), BigInteger)


def _contains(text, digits, entity=Customer):
    conditions = []
    if text:
        conditions.append(entity.search_text.contains(text, autoescape=True))
    if digits:
        conditions.append(entity.phone_norm.contains(digits, autoescape=True))
    return conditions[0] if len(conditions) == 1 else or_(*conditions)


def expected_matches(terms):
    """SQL: about how many customers hold the (text, digits) terms (PostgreSQL): their share
    of a SAMPLE-row sample of the table's pages times the planner's row count
    (pg_class.reltuples). A constant cost at any table size (~0.5 ms at 1M) and no read of the
    trigram index, whose posting lists grow with the table (for a common word they and the
    rows they name are the cost of asking it). Repeatable: the same pages for the same table.
    A never-analysed table samples nothing (0: the index answers). A scalar subquery, so the
    walk's statement evaluates it once, before it reads (search._walked)."""
    rows = select(literal_column("reltuples")).select_from(text("pg_class")).where(
        text("oid = 'customer'::regclass")).scalar_subquery()
    share = f"100.0 * {int(SAMPLE)} / reltuples"
    percent = select(literal_column(f"CASE WHEN reltuples > 0 THEN least(100, {share}) ELSE 0 END")
                     ).select_from(text("pg_class")).where(text("oid = 'customer'::regclass"))
    sampled = tablesample(Customer.__table__, func.system(cast(percent.scalar_subquery(), REAL)),
                          name="sampled", seed=literal(0))
    hits = func.count().filter(_contains(*terms, sampled.c))
    return select(func.coalesce(rows * hits / func.nullif(func.count(), 0), 0)) \
        .select_from(sampled).scalar_subquery()
