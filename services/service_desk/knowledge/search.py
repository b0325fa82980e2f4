"""The knowledge base's full-text search, the same on SQLite and PostgreSQL: text is
normalised (NFKC, case folded) and cut into tokens — words of letters / digits, and for Han,
kana and Hangul runs (no spaces between words) each character and each pair of neighbouring
characters. An article's tokens are stored (kb_article_token) with a weight (title ×3, body,
category and tags ×1, capped); a query's tokens must all be there (AND), ranked by the sum of
their weights, then newest. A Chinese query of one character looks it up, longer ones by their
bigrams: "打印机" is 打印 + 印机, found in "打印机无法连接网络".

Suggestions for a ticket use the same tokens with OR semantics — a subject is a sentence, not
a query — ranked by how many of its tokens an article has, then weight."""
import json
import re
import unicodedata

from sqlalchemy import delete, func, select

from services.service_desk.knowledge.models import ArticleToken

MAX_QUERY_CHARS = 200
MAX_QUERY_TOKENS = 32
MAX_TOKEN_CHARS = 64
MAX_WEIGHT = 1000
TITLE_WEIGHT = 3
# Han (incl. extension A and compatibility), kana, Hangul: scripts written without spaces
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_RUNS = re.compile(rf"[{_CJK}]+|[^\W{_CJK}_]+")
_CJK_RUN = re.compile(rf"[{_CJK}]")


def normalise(text):
    return unicodedata.normalize("NFKC", text or "").casefold()


def _runs(text):
    return _RUNS.findall(normalise(text))


def document_tokens(text):
    """Every token of a text, with its count: words whole; a CJK run's characters and bigrams."""
    counts = {}
    for run in _runs(text):
        if _CJK_RUN.match(run):
            pieces = list(run) + [run[i:i + 2] for i in range(len(run) - 1)]
        else:
            pieces = [run[:MAX_TOKEN_CHARS]]
        for piece in pieces:
            counts[piece] = counts.get(piece, 0) + 1
    return counts


def query_tokens(text):
    """The distinct tokens a query asks for: words; a CJK run of one character as itself,
    longer runs by their bigrams (each bigram of the query must be in the article)."""
    found = []
    for run in _runs(text):
        if _CJK_RUN.match(run) and len(run) > 1:
            pieces = [run[i:i + 2] for i in range(len(run) - 1)]
        else:
            pieces = [run[:MAX_TOKEN_CHARS]]
        found += [piece for piece in pieces if piece not in found]
    return found


def index(session, article):
    """Replace the article's tokens (after any change of its title, body, category or tags)."""
    weights = {}
    for token, n in document_tokens(article.title).items():
        weights[token] = weights.get(token, 0) + TITLE_WEIGHT * n
    extra = " ".join([article.body, article.category or "", " ".join(_tags(article))])
    for token, n in document_tokens(extra).items():
        weights[token] = weights.get(token, 0) + n
    session.execute(delete(ArticleToken).where(ArticleToken.article_id == article.id))
    session.add_all([ArticleToken(article_id=article.id, token=token,
                                  weight=min(weight, MAX_WEIGHT))
                     for token, weight in weights.items()])


def _tags(article):
    return json.loads(article.tags or "[]")


def matches(tokens, every=True):
    """A subquery of (article_id, hits, score) for articles holding all (every) or any of
    `tokens`."""
    hits = func.count(ArticleToken.token).label("hits")
    score = func.sum(ArticleToken.weight).label("score")
    query = (select(ArticleToken.article_id, hits, score)
             .where(ArticleToken.token.in_(tokens)).group_by(ArticleToken.article_id))
    if every:
        query = query.having(func.count(ArticleToken.token) == len(tokens))
    return query.subquery()
