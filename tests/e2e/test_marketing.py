"""Marketing through the gateway against the real processes: a customer and its contact person
created in customers appear in marketing's audience (from customers' events), its change
follows; a dynamic segment takes them in and lets them go as the customer changes, within a
second; consent decides sendability; a marketer manages, a manager reads, a rep is refused."""
import time
import uuid

import pytest

from tests.helpers import wait_until

pytestmark = pytest.mark.e2e


def evaluated(client, segment_id, timeout=60):
    """The segment once its evaluation over every contact after its edit is done (the
    service's backfill timer, in chunks): its members and count are exact from then on."""
    def ready():
        segment = client.ok("GET", f"marketing/segments/{segment_id}")
        return segment if segment["evaluation"]["status"] == "ready" else None
    return wait_until(ready, timeout=timeout, message=f"segment {segment_id} evaluated")


def test_a_new_customer_and_its_contact_appear_in_the_audience(admin, region):
    region_name, team = region
    rep = admin.create_user("sales_rep", region=region_name, team_id=team["id"])
    marketer = admin.create_user("marketer")
    customer = rep.create_customer(name="Audience Ltd", region=region_name, industry="education",
                                   email="hello@audience.example")
    person = rep.ok("POST", f"customers/{customer['id']}/contacts", expect=201,
                    json={"name": "Grace Hopper", "role": "CTO", "email": "grace@audience.example"})

    def listed():
        items = marketer.ok("GET", "marketing/audience",
                            params={"customer_id": customer["id"]})["items"]
        return items if len(items) == 2 else None
    items = wait_until(listed, timeout=30, message="the customer and its contact in the audience")
    assert {(i["id"], i["kind"], i["email"]) for i in items} == {
        (customer["id"], "customer", "hello@audience.example"),
        (person["id"], "contact", "grace@audience.example")}         # from contact_added
    channels = marketer.ok("GET", f"marketing/audience/{person['id']}/consent")["channels"]
    assert [c["channel"] for c in channels if c["sendable"]] == ["email"]

    rep.ok("PATCH", f"customers/{customer['id']}", json={"industry": "retail"})
    wait_until(lambda: marketer.ok("GET", f"marketing/audience/{person['id']}")["industry"]
               == "retail", timeout=30, message="the change in the contact's profile")
    assert rep.get("marketing/audience").status_code == 403
    assert marketer.get("marketing/audience", params={"kind": "robot"}).status_code == 422
    assert marketer.get("marketing/audience/no-such-contact").status_code == 404


def test_consent_is_set_by_marketers_and_decides_sendability(admin):
    marketer = admin.create_user("marketer")
    manager = admin.create_user("manager")
    customer = admin.create_customer(name="Consent GmbH", email="news@consent.example")
    consent = f"marketing/audience/{customer['id']}/consent"
    wait_until(lambda: marketer.get(consent).status_code == 200, timeout=30,
               message="the customer in the audience")

    def email(answer):
        return next(c for c in answer["channels"] if c["channel"] == "email")
    assert email(marketer.ok("GET", consent))["sendable"] is True
    answer = marketer.ok("PUT", consent, json={
        "channel": "email", "status": "do_not_contact", "reason": "complained", "source": "abuse report"})
    assert (email(answer)["status"], email(answer)["sendable"]) == ("do_not_contact", False)
    assert manager.request("PUT", consent,
                           json={"channel": "email", "status": "subscribed"}).status_code == 403
    bad = marketer.request("PUT", consent, json={"channel": "email", "status": "do_not_contact"})
    assert bad.status_code == 422 and "reason" in bad.json()["errors"]
    assert email(manager.ok("GET", consent))["status"] == "do_not_contact"     # unchanged
    history = manager.ok("GET", f"{consent}/history")["items"]
    assert [(h["status"], h["reason"], h["changed_by"]) for h in history] == [
        ("do_not_contact", "complained", marketer.user["id"])]


def test_a_customer_change_moves_its_contacts_in_and_out_of_a_dynamic_segment(admin, region):
    region_name, team = region
    rep = admin.create_user("sales_rep", region=region_name, team_id=team["id"])
    marketer = admin.create_user("marketer")
    manager = admin.create_user("manager")
    tag = f"edu-{uuid.uuid4().hex[:8]}"
    segment = marketer.ok("POST", "marketing/segments", expect=201, json={
        "name": f"Education in {region_name}", "kind": "dynamic", "rules": [
            [{"field": "region", "op": "eq", "value": region_name},
             {"field": "tags", "op": "any", "value": [tag]}],
            [{"field": "industry", "op": "eq", "value": f"never-{tag}"}]]})
    assert (segment["member_count"], segment["evaluation"]["status"]) == (0, "evaluating")
    ready = evaluated(manager, segment["id"])
    assert ready["member_count"] == 0
    assert ready["evaluation"]["evaluated"] == ready["evaluation"]["total"]
    members = f"marketing/segments/{segment['id']}/members"

    customer = rep.create_customer(name="Segmented Ltd", region=region_name)
    person = rep.ok("POST", f"customers/{customer['id']}/contacts", expect=201,
                    json={"name": "Katherine Johnson"})
    rep.ok("POST", "customers/tags", json={"customer_ids": [customer["id"]], "tags": [tag]})

    def member_ids():
        return {m["id"] for m in manager.ok("GET", members, params={"limit": 100})["items"]}
    wait_until(lambda: member_ids() == {customer["id"], person["id"]}, timeout=30,
               message="the tagged customer and its contact in the segment")
    assert manager.ok("GET", f"marketing/segments/{segment['id']}")["member_count"] == 2

    # Issue 11 §12: within a second of the change, out and back in. Measured on the shared
    # 2-core host (10 moves, SQLite files, others' tests running): 0.18-0.34 s from the PATCH's
    # answer to the gateway's members page showing the move, of which customers' outbox relay
    # 60-100 ms (OUTBOX_PUBLISH_LINGER_SECONDS 0.05 + the publish), broker to marketing's batch
    # applying it 15-110 ms (EVENT_BATCH_WAIT_SECONDS 0.02), the segments re-evaluated 3-60 ms,
    # and this poll's own GET through the gateway 40-160 ms. So 1 s leaves about three times
    # the worst seen for a loaded host; a linger or batch wait of a second would fail it.
    for region_to, want, change in ((f"{region_name}-moved", set(), "out of"),
                                    (region_name, {customer["id"], person["id"]}, "into")):
        rep.ok("PATCH", f"customers/{customer['id']}", json={"region": region_to})
        moved = time.monotonic()
        wait_until(lambda: member_ids() == want, timeout=10, interval=0.02,
                   message=f"the moved customer's contacts {change} the segment")
        took = time.monotonic() - moved
        assert took < 1.0, f"moved {change} the segment {took:.3f} s after the change was answered"
    history = manager.ok("GET", f"marketing/segments/{segment['id']}/history",
                         params={"contact_id": person["id"]})["items"]
    # a batch's events that touched the contact together name its reason together
    # ("contact_added+customer_tagged" when the contact's and the tag's events shared a batch)
    assert [(h["change"], h["reason"]) for h in history] == [
        ("joined", "customer_updated"), ("left", "customer_updated"),
        ("joined", history[2]["reason"])]
    assert "customer_tagged" in history[2]["reason"].split("+")

    static = marketer.ok("POST", "marketing/segments", expect=201,
                         json={"name": f"Imported {tag}", "kind": "static"})
    imported = marketer.request("POST", f"marketing/segments/{static['id']}/members/csv",
                                data="email\nnobody@nowhere.example\n",
                                headers={"Content-Type": "text/csv"})
    assert imported.status_code == 422 and "rows" in imported.json()["errors"]
    imported = marketer.ok("POST", f"marketing/segments/{static['id']}/members/csv",
                           data=f"contact_id\n{customer['id']}\n{person['id']}\n",
                           headers={"Content-Type": "text/csv"})
    assert imported["member_count"] == 2

    assert rep.get("marketing/segments").status_code == 403
    assert manager.request("POST", "marketing/segments",
                           json={"name": "No", "kind": "static"}).status_code == 403
    bad = marketer.request("POST", "marketing/segments", json={
        "name": f"Bad {tag}", "kind": "dynamic",
        "rules": [[{"field": "colour", "op": "eq", "value": "red"}]]})
    assert bad.status_code == 422 and "field" in bad.json()["errors"]["rules"]["0"]["0"]
    assert all(s["name"] != f"Bad {tag}" for s in marketer.ok(
        "GET", "marketing/segments", params={"limit": 100})["items"])


def test_a_campaign_is_planned_aimed_costed_and_moved_through_the_gateway(admin):
    marketer = admin.create_user("marketer")
    manager = admin.create_user("manager")
    tag = f"camp-{uuid.uuid4().hex[:8]}"
    customer = admin.create_customer(name=f"Campaign {tag} AG", email=f"{tag}@campaign.example")
    admin.ok("POST", "customers/tags", json={"customer_ids": [customer["id"]], "tags": [tag]})
    segment = marketer.ok("POST", "marketing/segments", expect=201, json={
        "name": f"Tagged {tag}", "kind": "dynamic",
        "rules": [[{"field": "tags", "op": "any", "value": [tag]}]]})
    campaign = marketer.ok("POST", "marketing/campaigns", expect=201, json={
        "name": f"Renewal {tag}", "channel": "email", "currency": "EUR", "budget": "500.00",
        "goal_metric": "leads", "goal_target": "10", "segment_ids": [segment["id"]]})
    url = f"marketing/campaigns/{campaign['id']}"
    wait_until(lambda: marketer.ok("GET", f"{url}/audience")["reachable"] == 1, timeout=30,
               message="the tagged customer in the campaign's audience")

    bad = marketer.request("POST", "marketing/campaigns", json={
        "name": "Half a goal", "channel": "email", "currency": "EUR", "goal_metric": "leads"})
    assert bad.status_code == 422 and "goal_target" in bad.json()["errors"]
    illegal = marketer.request("POST", f"{url}/status", json={"to": "completed"})
    assert illegal.status_code == 409 and illegal.json()["campaign_status"] == "draft"
    assert manager.request("POST", f"{url}/costs",
                           json={"amount": "1.00", "description": "x"}).status_code == 403
    for amount in ("120.10", "79.90"):
        marketer.ok("POST", f"{url}/costs", expect=201,
                    json={"amount": amount, "description": "Search ads"})
    assert manager.ok("GET", url)["cost_total"] == "200.00"
    marketer.ok("PATCH", url, json={"starts_at": "2026-01-05T09:00:00+01:00"})
    for to in ("scheduled", "running"):
        assert marketer.ok("POST", f"{url}/status", json={"to": to})["status"] == to
    refused = marketer.request("PATCH", url, json={"segment_ids": []})
    assert refused.status_code == 409 and refused.json()["refused"] == ["segment_ids"]
    in_use = marketer.request("DELETE", f"marketing/segments/{segment['id']}")
    assert in_use.status_code == 409 and in_use.json()["campaign_id"] == campaign["id"]
    listed = manager.ok("GET", "marketing/campaigns", params={"status": "running"})["items"]
    assert campaign["id"] in [c["id"] for c in listed]


def test_a_template_is_previewed_for_a_contact_and_test_sent_to_the_smtp_server(admin, mailbox):
    marketer = admin.create_user("marketer")
    manager = admin.create_user("manager")
    customer = admin.create_customer(name="Ada Lovelace", kind="individual",
                                     email=f"ada-{uuid.uuid4().hex[:8]}@example.com")
    wait_until(lambda: marketer.get(f"marketing/audience/{customer['id']}").status_code == 200,
               timeout=30, message="the customer in the audience")
    bad = marketer.request("POST", "marketing/templates", json={
        "name": "Broken", "subject": "Hi", "text": "ok",
        "html": "<p>Hello</p>\n<p>{{ contact.first_name </p>"})
    assert bad.status_code == 422 and bad.json()["errors"]["html"][0].startswith("Line 2:")
    template = marketer.ok("POST", "marketing/templates", expect=201, json={
        "name": f"Welcome {uuid.uuid4().hex[:8]}",
        "subject": "Welcome, {{ contact.first_name | default('there') }}",
        "html": "<p>Hello {{ contact.first_name | default('there') }} &amp; welcome</p>",
        "text": "Hello {{ contact.first_name | default('there') }}, welcome."})
    preview = manager.ok("GET", f"marketing/templates/{template['id']}/preview",
                         params={"contact_id": customer["id"]})
    assert (preview["subject"], preview["text"]) == ("Welcome, Ada", "Hello Ada, welcome.")
    assert manager.request("POST", f"marketing/templates/{template['id']}/test-send",
                           json={"to": "boss@crm.example"}).status_code == 403

    me = f"marketer-{uuid.uuid4().hex[:8]}@crm.example"
    sent = marketer.ok("POST", f"marketing/templates/{template['id']}/test-send",
                       json={"to": me, "contact_id": customer["id"]})
    [message] = wait_until(lambda: mailbox.messages_to(me), timeout=30,
                           message="the test mail at the SMTP server")
    assert (str(message["Subject"]), message["Message-ID"]) == ("Welcome, Ada", sent["message_id"])
    assert message.get_body(("plain",)).get_content().strip() == "Hello Ada, welcome."
    assert "Hello Ada &amp; welcome" in message.get_body(("html",)).get_content()
    assert marketer.request("POST", f"marketing/templates/{template['id']}/test-send",
                            json={"to": "nope"}).status_code == 422


def test_a_public_form_answer_becomes_a_lead_attributed_to_its_campaign(admin, anonymous):
    marketer = admin.create_user("marketer")
    tag = uuid.uuid4().hex[:8]
    campaign = marketer.ok("POST", "marketing/campaigns", expect=201, json={
        "name": f"Webinar {tag}", "channel": "social", "currency": "EUR",
        "starts_at": "2026-01-05T09:00:00+00:00"})
    form = f"marketing/forms/{campaign['id']}"
    answer = {"name": "Lin Yu", "email": f"lin.{tag}@example.cn", "company": "Yu Trading",
              "message": "Please send the recording"}
    closed = anonymous.request("POST", form, json=answer)            # a draft takes no answers
    assert closed.status_code == 409
    for to in ("scheduled", "running"):
        marketer.ok("POST", f"marketing/campaigns/{campaign['id']}/status", json={"to": to})
    assert anonymous.request("POST", form, json={"name": "no way to reach me"}).status_code == 422
    assert anonymous.request("POST", form, data="{not json",
                             headers={"Content-Type": "application/json"}).status_code == 400
    robot = anonymous.request("POST", form, json={**answer, "website_url": "http://x.example"})
    assert (robot.status_code, robot.json()) == (202, {"received": True})
    accepted = anonymous.request("POST", form, json=answer)
    assert (accepted.status_code, accepted.json()) == (202, {"received": True})

    def lead():
        leads = admin.ok("GET", "leads", params={"limit": 100})["items"]
        found = [item for item in leads if item["campaign_id"] == campaign["id"]]
        return found or None
    [made] = wait_until(lead, timeout=30, message="sales' lead from the form answer")
    assert (made["source"], made["campaign"], made["contact_email"], made["company_name"]) == (
        "campaign", f"Webinar {tag}", answer["email"], "Yu Trading")
    responses = marketer.ok("GET", f"marketing/campaigns/{campaign['id']}/responses")["items"]
    assert [(r["source"], r["recorded_by"]) for r in responses] == [("form", "public")]


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def test_an_html_form_posts_its_fields_urlencoded(admin, anonymous):
    """The form as a browser posts it from a page in UTF-8: every input sent, the empty ones
    (the hidden honeypot, a phone not given) as `name=`, '+' for spaces, the rest
    percent-encoded. Validated, honeypot-checked and limited exactly as the JSON twin."""
    from urllib.parse import urlencode
    marketer = admin.create_user("marketer")
    tag = uuid.uuid4().hex[:8]
    campaign = marketer.ok("POST", "marketing/campaigns", expect=201, json={
        "name": f"Fair {tag}", "channel": "event", "currency": "EUR",
        "starts_at": "2026-01-05T09:00:00+00:00"})
    for to in ("scheduled", "running"):
        marketer.ok("POST", f"marketing/campaigns/{campaign['id']}/status", json={"to": to})
    form = f"marketing/forms/{campaign['id']}"

    def post(email, **fields):
        inputs = {"name": "Jürgen Müller", "email": email, "phone": "", "company": "Müller & Co",
                  "message": "Call me\r\nafter 5 pm", "website_url": "", **fields}
        return anonymous.request("POST", form, data=urlencode(inputs), headers=FORM)

    accepted = post(f"jm.{tag}@example.de")
    assert (accepted.status_code, accepted.json()) == (202, {"received": True})
    unreachable = post("")                                 # no email, no phone: like JSON
    assert unreachable.status_code == 422 and "email" in unreachable.json()["errors"]
    assert post("not-an-address").json()["errors"].keys() == {"email"}
    robot = post(f"robot.{tag}@example.de", website_url="http://spam.example")
    assert (robot.status_code, robot.json()) == (202, {"received": True})
    for bad, status in ((b"name=%FF&email=x%40y.example", 400),
                        (b"email=a%40b.example&email=c%40d.example", 422)):
        refused = anonymous.request("POST", form, data=bad, headers=FORM)
        assert refused.status_code == status and refused.headers["Content-Type"] == (
            "application/problem+json")
    assert anonymous.request("POST", form, data="email=x@y.example",
                             headers={"Content-Type": "text/plain"}).status_code == 415

    responses = marketer.ok("GET", f"marketing/campaigns/{campaign['id']}/responses")["items"]
    assert [(r["name"], r["email"], r["company"], r["phone"], r["message"]) for r in responses] == [
        ("Jürgen Müller", f"jm.{tag}@example.de", "Müller & Co", None, "Call me\r\nafter 5 pm")]
    for n in range(4):                                     # the per-address limit counts both
        assert anonymous.request("POST", form, json={"email": f"j{n}.{tag}@example.de"}
                                 ).status_code == 202
    limited = post(f"late.{tag}@example.de")
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    assert len(marketer.ok("GET", f"marketing/campaigns/{campaign['id']}/responses",
                           params={"limit": 100})["items"]) == 5


def test_the_links_in_sent_mail_track_opens_clicks_and_unsubscribe_without_login(admin, anonymous):
    from services.marketing.tracking import links
    marketer = admin.create_user("marketer")
    customer = admin.create_customer(name="Tracked Ltd", email=f"t-{uuid.uuid4().hex[:8]}@x.example")
    consent = f"marketing/audience/{customer['id']}/consent"
    wait_until(lambda: marketer.get(consent).status_code == 200, timeout=30,
               message="the customer in the audience")

    def path(url):
        return url.split("/api/v1/", 1)[1]
    pixel = anonymous.request("GET", path(links.open_url("cmp-e2e", customer["id"])))
    assert (pixel.status_code, pixel.headers["Content-Type"]) == (200, "image/gif")
    click = path(links.click_url("cmp-e2e", customer["id"], "https://example.com/guide"))
    followed = anonymous.request("GET", click, allow_redirects=False)
    assert (followed.status_code, followed.headers["Location"]) == (302, "https://example.com/guide")
    forged = click[:-4] + ("AAAA" if not click.endswith("AAAA") else "BBBB")
    assert anonymous.request("GET", forged, allow_redirects=False).status_code == 404

    unsubscribe = path(links.unsubscribe_url("cmp-e2e", customer["id"]))
    page = anonymous.request("GET", unsubscribe)
    assert page.status_code == 200 and "<form" in page.text
    assert marketer.ok("GET", consent)["channels"][0]["status"] is None or all(
        c["status"] != "unsubscribed" for c in marketer.ok("GET", consent)["channels"])
    one_click = anonymous.request("POST", unsubscribe, data="List-Unsubscribe=One-Click",
                                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert one_click.status_code == 200
    email = next(c for c in marketer.ok("GET", consent)["channels"] if c["channel"] == "email")
    assert (email["status"], email["source"], email["sendable"]) == (
        "unsubscribed", "unsubscribe link", False)
    refused = anonymous.request("POST", "marketing/inbound/email-reports",
                                json={"kind": "bounce", "email": customer["email"]})
    assert refused.status_code == 401


def test_a_campaign_email_reaches_each_contact_of_its_audience_once(admin, region, mailbox):
    region_name, _team = region
    marketer = admin.create_user("marketer")
    tag = uuid.uuid4().hex[:8]
    people = [admin.create_customer(name=f"Reader{n} {tag}", kind="individual", region=region_name,
                                    email=f"reader{n}-{tag}@example.com") for n in range(5)]
    # in the audience before the segment is defined (as in test_sending_service.py)
    for person in people:
        wait_until(lambda: marketer.get(f"marketing/audience/{person['id']}").status_code == 200,
                   timeout=30, message="the reader in the audience")
    segment = marketer.ok("POST", "marketing/segments", expect=201, json={
        "name": f"Readers {tag}", "kind": "dynamic",
        "rules": [[{"field": "region", "op": "eq", "value": region_name}]]})
    assert evaluated(marketer, segment["id"])["member_count"] == len(people)
    campaign = marketer.ok("POST", "marketing/campaigns", expect=201, json={
        "name": f"Readers' news {tag}", "channel": "email", "currency": "EUR",
        "segment_ids": [segment["id"]], "starts_at": "2099-01-01T09:00:00Z"})
    for to in ("scheduled", "running"):
        marketer.ok("POST", f"marketing/campaigns/{campaign['id']}/status", json={"to": to})
    template = marketer.ok("POST", "marketing/templates", expect=201, json={
        "name": f"News {tag}", "subject": "News for {{ contact.first_name }}",
        "html": "<p>Hello {{ contact.first_name }}</p>", "text": "Hello {{ contact.first_name }}"})
    send = f"marketing/campaigns/{campaign['id']}/send"
    started = marketer.ok("POST", send, expect=202, json={"template_id": template["id"]})
    assert started["recipients"] == len(people)
    assert marketer.request("POST", send, json={"template_id": template["id"]}).status_code == 409
    wait_until(lambda: marketer.ok("GET", send)["status"] == "done", timeout=60,
               message="the broadcast done")
    for n, person in enumerate(people):
        [message] = mailbox.messages_to(person["email"])
        assert str(message["Subject"]) == f"News for Reader{n}"
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    sent = marketer.ok("GET", f"{send}/recipients", params={"state": "sent"})["items"]
    assert {r["contact_id"] for r in sent} == {p["id"] for p in people}


# the figures reporting's campaign report shares with marketing's /results, and the prefixes
# of the marketing KPIs reconcile compares (services/reporting/domains/marketing/reconcile.py)
REPORTED = ("sent", "delivered", "bounced", "unique_opens", "unique_clicks", "unsubscribes",
            "responses", "leads", "converted_leads", "cost", "cost_per_lead", "attribution",
            "currency")
MARKETING_KPIS = ("campaigns.", "campaign_periods.", "campaign_sales.")


def test_the_campaign_journey_from_segment_to_roi(admin, anonymous, region, mailbox):
    """Issue 11 §12: segment → campaign → send → the SMTP server has the mail → open → click →
    form response → lead → converted → deal won → the campaign's ROI in marketing's results and
    in reporting's campaign report, which reconciles with marketing's and sales' rows."""
    region_name, _team = region
    marketer = admin.create_user("marketer")
    tag = uuid.uuid4().hex[:8]
    email = f"buyer-{tag}@example.com"
    buyer = admin.create_customer(name=f"Buyer {tag}", region=region_name, email=email)
    wait_until(lambda: marketer.get(f"marketing/audience/{buyer['id']}").status_code == 200,
               timeout=30, message="the buyer in the audience")
    segment = marketer.ok("POST", "marketing/segments", expect=201, json={
        "name": f"Journey {tag}", "kind": "dynamic",
        "rules": [[{"field": "region", "op": "eq", "value": region_name}]]})
    evaluated(marketer, segment["id"])
    campaign = marketer.ok("POST", "marketing/campaigns", expect=201, json={
        "name": f"Journey {tag}", "channel": "email", "currency": "EUR", "budget": "500.00",
        "segment_ids": [segment["id"]], "starts_at": "2026-01-05T09:00:00Z"})
    url = f"marketing/campaigns/{campaign['id']}"
    for to in ("scheduled", "running"):
        marketer.ok("POST", f"{url}/status", json={"to": to})
    marketer.ok("POST", f"{url}/costs", expect=201, json={"amount": "1000.00",
                                                           "description": "agency"})
    template = marketer.ok("POST", "marketing/templates", expect=201, json={
        "name": f"Offer {tag}", "subject": "An offer for {{ contact.name }}",
        "html": '<p>See <a href="https://example.com/offer">the offer</a></p>',
        "text": "See https://example.com/offer"})
    marketer.ok("POST", f"{url}/send", expect=202, json={"template_id": template["id"]})
    wait_until(lambda: marketer.ok("GET", f"{url}/send")["status"] == "done", timeout=60,
               message="the broadcast done")
    [message] = mailbox.messages_to(email)
    html = message.get_body(("html",)).get_content()
    tracked = [part.split('"')[0].replace("&amp;", "&") for part in html.split('"http')[1:]]
    pixel = next("http" + u for u in tracked if "/t/open/" in u)
    click = next("http" + u for u in tracked if "/t/click/" in u)
    assert anonymous.request("GET", pixel.split("/api/v1/", 1)[1]).status_code == 200
    followed = anonymous.request("GET", click.split("/api/v1/", 1)[1], allow_redirects=False)
    assert followed.headers["Location"] == "https://example.com/offer"

    assert anonymous.request("POST", f"marketing/forms/{campaign['id']}", json={
        "name": "The Buyer", "email": email, "company": f"Buyer {tag}"}).status_code == 202

    def lead():
        found = [item for item in admin.ok("GET", "leads", params={"limit": 100})["items"]
                 if item["campaign_id"] == campaign["id"]]
        return found[0] if found else None
    made = wait_until(lead, timeout=30, message="sales' lead from the form")
    for status in ("contacted", "qualified"):
        admin.ok("POST", f"leads/{made['id']}/status", json={"status": status})
    product = admin.ok("POST", "products", expect=201, json={
        "name": f"Journey {tag}", "series": "JRN", "list_price": "2500.00", "currency": "EUR"})
    converted = admin.ok("POST", f"leads/{made['id']}/convert", json={
        "currency": "EUR", "deal_name": f"Journey {tag}",
        "lines": [{"product_id": product["id"], "quantity": 2}]})
    admin.ok("POST", f"deals/{converted['deal']['id']}/stage", json={"stage": "won"})

    def won():
        results = marketer.ok("GET", f"{url}/results")
        return results if results["attribution"]["last"]["won_deals"] == 1 else None
    results = wait_until(won, timeout=30, message="the won deal credited to the campaign")
    assert (results["sent"], results["delivered"], results["unique_opens"],
            results["unique_clicks"], results["responses"], results["leads"],
            results["converted_leads"]) == (1, 1, 1, 1, 1, 1, 1)
    assert results["attribution"]["last"] == {
        "won_deals": 1, "revenue": [{"currency": "EUR", "amount": "5000.00"}],
        "cac": "1000.00", "roi": "4.0000"}                     # (5000 − 1000) / 1000

    # ... and reporting's campaign report shows the same: its figures equal marketing's own
    # results, and reconcile finds no difference in any marketing KPI — against marketing's
    # rows, and the leads, won deals and revenue against sales' own.
    def reported():
        rows = marketer.ok("GET", "reports/marketing/campaigns",
                           params={"campaign_id": campaign["id"]})["rows"]
        return rows[0] if rows and all(rows[0][k] == results[k] for k in REPORTED) else None
    row = wait_until(reported, timeout=30, message="reporting's campaign report equal to /results")
    assert (row["sent"], row["unique_opens"], row["unique_clicks"], row["responses"],
            row["leads"], row["converted_leads"]) == (1, 1, 1, 1, 1, 1)
    assert row["attribution"]["last"] == {
        "won_deals": 1, "revenue": [{"currency": "EUR", "amount": "5000.00"}],
        "cac": "1000.00", "roi": "4.0000"}
    assert row["funnel"] == [{"step": step, "count": 1}
                             for step in ("reach", "click", "response", "lead", "deal")]
    job = admin.ok("POST", "reports/reconcile", expect=202)
    result = wait_until(lambda: (lambda j: j if j["status"] in ("done", "failed") else None)(
        admin.ok("GET", f"reports/jobs/{job['id']}")), timeout=90, message="reconcile")["result"]
    assert [d for d in result["differences"] if d["kpi"].startswith(MARKETING_KPIS)] == []
    assert "sales.reconcile_lead_facts" not in result["not_reconciled"]
    assert result["checked"]["campaigns"] >= 1 and result["checked"]["campaign_sales_leads"] >= 1
