"""Customer groups by k-means, pure functions over a feature matrix (one row per customer):
each feature standardised (zero mean, unit variance — scikit-learn's StandardScaler; a feature
that is the same for everyone says nothing and is left out), k-means for each k in K_RANGE
(fixed random_state, so the same data gives the same groups), the k with the best mean
silhouette kept (ties: the fewer groups), clusters numbered by size (largest first). Each
cluster is described from its members' mean against everyone's: a feature THRESHOLD standard
deviations or more above or below the overall mean is named in words.
"""
K_RANGE = range(2, 7)
RANDOM_STATE = 0
THRESHOLD = 0.5
SILHOUETTE_SAMPLE = 2000
WORDS = {       # feature: (words when high, words when low)
    "recency_days": ("not bought for a long time", "bought recently"),
    "frequency": ("buy often", "buy seldom"),
    "monetary": ("high value", "low value"),
    "products": ("many products", "few products"),
    "tickets": ("many support tickets", "few support tickets"),
    "interactions": ("in frequent contact", "seldom in contact"),
}


def cluster(matrix, names):
    """{"used": [feature names], "silhouette": {k: mean silhouette}, "k", "labels": [cluster
    per row]} or None when there are too few customers (3) or no varying feature."""
    import numpy                                # heavy: loaded on the first request
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score
    from sklearn.preprocessing import StandardScaler
    from threadpoolctl import threadpool_limits     # scikit-learn's own dependency
    values = numpy.asarray(matrix, dtype=float)
    if len(values) < 3:
        return None
    varying = [index for index in range(values.shape[1]) if numpy.ptp(values[:, index]) > 0]
    if not varying:
        return None
    scaled = StandardScaler().fit_transform(values[:, varying])
    distinct = len(numpy.unique(scaled, axis=0))
    found = {}
    # one thread: OpenMP's worker threads spin waiting for each other on a busy machine (a
    # small fit took seconds instead of milliseconds) and would starve the service's green
    # threads; the matrices here are one row per customer, small enough for one core
    with threadpool_limits(limits=1):
        for k in K_RANGE:
            if k > min(distinct, len(values) - 1):
                break
            labels = KMeans(n_clusters=k, n_init=10,
                            random_state=RANDOM_STATE).fit_predict(scaled)
            # the silhouette is quadratic in the customers: scored on a fixed sample beyond
            found[k] = (float(silhouette_score(scaled, labels, sample_size=min(
                len(scaled), SILHOUETTE_SAMPLE), random_state=RANDOM_STATE)), labels)
    if not found:
        return None
    best = max(found, key=lambda k: (round(found[k][0], 12), -k))
    return {"used": [names[index] for index in varying],
            "silhouette": {k: round(score, 4) for k, (score, _) in found.items()},
            "k": best, "labels": _by_size(found[best][1])}


def _by_size(labels):
    """Renumbered 0, 1, … from the largest cluster (ties: the one whose first member comes
    first)."""
    order = sorted(set(labels), key=lambda label: (-list(labels).count(label),
                                                   list(labels).index(label)))
    number = {label: index for index, label in enumerate(order)}
    return [number[label] for label in labels]


def describe(matrix, names, labels):
    """[{cluster, size, description, profile: [{feature, mean, overall_mean, z}]}] in cluster
    order; z = (the cluster's mean − everyone's) / everyone's standard deviation."""
    import numpy                # heavy: loaded on the first request (cluster() ran before)
    values = numpy.asarray(matrix, dtype=float)
    overall, spread = values.mean(axis=0), values.std(axis=0)
    answer = []
    for number in sorted(set(labels)):
        members = values[[label == number for label in labels]]
        means = members.mean(axis=0)
        profile, words = [], []
        for index, name in enumerate(names):
            z = (means[index] - overall[index]) / spread[index] if spread[index] else 0.0
            profile.append({"feature": name, "mean": round(float(means[index]), 2),
                            "overall_mean": round(float(overall[index]), 2),
                            "z": round(float(z), 2)})
            if abs(z) >= THRESHOLD:
                words.append(WORDS[name][0 if z > 0 else 1])
        answer.append({"cluster": number, "size": len(members),
                       "description": ", ".join(words) or "about average on every measure",
                       "profile": profile})
    return answer
