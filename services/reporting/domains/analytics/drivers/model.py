"""What drives winning: a logistic regression (scikit-learn) of won vs lost on the closed deals'
attributes, one-hot encoded (a deal with several products has each of them), explained per
factor, and judged on deals it did not see.

- Explanation: the coefficient of each value, centred on its factor's average (weighted by how
  many deals have each value), as an odds ratio: 1.8 means deals with that value have 1.8× the
  odds of winning of the average deal, the other attributes held equal. L2 regularisation (the
  default C=1) keeps a value seen on a handful of deals near 1.
- Judgement: a stratified hold-out (a quarter of the closed deals, fixed seed) — accuracy and
  ROC AUC there, next to the base rate (the share won) and the accuracy of always answering the
  majority outcome, so a reader sees whether the model knows more than the base rate.
- The model explained and applied to open deals is then fitted on all the closed deals.
Pure functions over features.Deal lists."""
import math
from dataclasses import dataclass

MIN_CLOSED = 20         # closed deals, with at least MIN_EACH won and MIN_EACH lost, to fit
MIN_EACH = 5
TEST_SHARE = 0.25
SEED = 0


@dataclass
class Fitted:
    vectorizer: object
    model: object
    centred: dict           # {(factor, value): centred coefficient}
    support: dict           # {(factor, value): (deals, won)}


def fittable(closed):
    won = sum(deal.status == "won" for deal in closed)
    return len(closed) >= MIN_CLOSED and min(won, len(closed) - won) >= MIN_EACH


def _fit(attributes, outcomes):
    from sklearn.feature_extraction import DictVectorizer     # heavy: loaded on first use
    from sklearn.linear_model import LogisticRegression
    vectorizer = DictVectorizer(separator="\x1f")
    matrix = vectorizer.fit_transform([_keys(a) for a in attributes])
    model = LogisticRegression(max_iter=2000).fit(matrix, outcomes)
    return vectorizer, model


def _keys(attributes):
    return {f"{factor}\x1f{value}": one for (factor, value), one in attributes.items()}


def holdout(closed):
    """{train, test, accuracy, auc, base_rate, majority_accuracy} on a stratified hold-out."""
    from sklearn.metrics import accuracy_score, roc_auc_score
    from sklearn.model_selection import train_test_split
    outcomes = [int(deal.status == "won") for deal in closed]
    train, test, y_train, y_test = train_test_split(
        [deal.attributes for deal in closed], outcomes, test_size=TEST_SHARE, stratify=outcomes,
        random_state=SEED)
    vectorizer, model = _fit(train, y_train)
    matrix = vectorizer.transform([_keys(a) for a in test])
    scores = model.predict_proba(matrix)[:, 1]
    base = sum(outcomes) / len(outcomes)
    majority = int(sum(y_train) * 2 >= len(y_train))
    return {"train": len(train), "test": len(test),
            "accuracy": round(float(accuracy_score(y_test, model.predict(matrix))), 4),
            "auc": round(float(roc_auc_score(y_test, scores)), 4),
            "base_rate": round(base, 4),
            "majority_accuracy": round(sum(y == majority for y in y_test) / len(y_test), 4)}


def fit(closed):
    """The model on all `closed` deals, its coefficients centred per factor."""
    outcomes = [int(deal.status == "won") for deal in closed]
    vectorizer, model = _fit([deal.attributes for deal in closed], outcomes)
    support = {}
    for deal, won in zip(closed, outcomes):
        for key in deal.attributes:
            deals, wins = support.get(key, (0, 0))
            support[key] = (deals + 1, wins + won)
    raw = {tuple(name.split("\x1f", 1)): float(weight)
           for name, weight in zip(vectorizer.get_feature_names_out(), model.coef_[0])}
    totals, sums = {}, {}
    for (factor, value), weight in raw.items():
        deals = support[(factor, value)][0]
        totals[factor] = totals.get(factor, 0) + deals
        sums[factor] = sums.get(factor, 0.0) + deals * weight
    centred = {key: weight - sums[key[0]] / totals[key[0]] for key, weight in raw.items()}
    return Fitted(vectorizer, model, centred, support)


def odds_ratio(fitted, key):
    return math.exp(fitted.centred[key])


def probabilities(fitted, deals):
    """The modelled win probability of each deal (values the model never saw count as 0)."""
    if not deals:
        return []
    matrix = fitted.vectorizer.transform([_keys(deal.attributes) for deal in deals])
    return [float(p) for p in fitted.model.predict_proba(matrix)[:, 1]]
