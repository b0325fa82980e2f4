"""Rule-based lead score, 0..100: fit (who they are) plus engagement (how they came and how
far the conversation got). Every point is explained by a factor, so a rep can see why a lead
ranks where it does and a manager can argue with a rule rather than with a number."""

FREE_MAIL = frozenset({"gmail.com", "googlemail.com", "yahoo.com", "hotmail.com", "outlook.com",
                       "live.com", "aol.com", "icloud.com", "gmx.de", "gmx.net", "web.de",
                       "mail.ru", "yandex.ru", "qq.com", "163.com", "proton.me", "protonmail.com"})
SENIOR = ("chief", "ceo", "cfo", "cto", "cio", "coo", "vp", "vice president", "president",
          "director", "head", "owner", "founder", "partner")
MIDDLE = ("manager", "lead", "principal")
SIZE_BANDS = ((1000, 25, "1000+ employees"), (200, 18, "200-999 employees"),
              (50, 10, "50-199 employees"), (1, 4, "fewer than 50 employees"))
SOURCE_POINTS = {"referral": 20, "partner": 15, "web": 15, "event": 10, "campaign": 10,
                 "outbound": 5, "other": 0}
STATUS_POINTS = {"contacted": (10, "a conversation has started"),
                 "qualified": (25, "qualified by a rep")}


def _factor(group, factor, points, reason):
    return {"group": group, "factor": factor, "points": points, "reason": reason}


def _fit(lead):
    factors = []
    size = lead.company_size
    if size:
        points, band = next((p, b) for floor, p, b in SIZE_BANDS if size >= floor)
        factors.append(_factor("fit", "company_size", points, band))
    title = (lead.contact_title or "").casefold()
    if any(word in title for word in SENIOR):
        factors.append(_factor("fit", "seniority", 15, f"decision maker ({lead.contact_title})"))
    elif any(word in title for word in MIDDLE):
        factors.append(_factor("fit", "seniority", 8, f"influencer ({lead.contact_title})"))
    domain = (lead.contact_email or "").rpartition("@")[2].casefold()
    if domain and domain not in FREE_MAIL:
        factors.append(_factor("fit", "business_email", 10, f"company domain {domain}"))
    if lead.company_name:
        factors.append(_factor("fit", "company_known", 5, "company named"))
    if lead.contact_phone:
        factors.append(_factor("fit", "phone", 5, "reachable by phone"))
    return factors


def _engagement(lead):
    factors = []
    if lead.source in SOURCE_POINTS and SOURCE_POINTS[lead.source]:
        factors.append(_factor("engagement", "source", SOURCE_POINTS[lead.source],
                               f"came in by {lead.source}"))
    if lead.campaign:
        factors.append(_factor("engagement", "campaign", 5, f"responded to {lead.campaign}"))
    if lead.status in STATUS_POINTS:
        points, reason = STATUS_POINTS[lead.status]
        factors.append(_factor("engagement", "status", points, reason))
    return factors


def score(lead):
    """(score capped to 0..100, the factors that make it up)."""
    factors = _fit(lead) + _engagement(lead)
    return max(0, min(100, sum(f["points"] for f in factors))), factors
