// The customer 360 page: everything known of the customer, gathered by the gateway from every
// service in one answer (GET /customers/{id}/360, each part scoped by its own service): the
// record, its contacts, its timeline (interactions, campaign touches, tickets, surveys,
// follow-ups; newest first, "more" following GET /customers/{id}/interactions' cursor), then its
// deals, quotes, orders, invoices, tasks and tickets (customer_parts.js). A part whose service
// is down is said in its place; the rest of the page is shown.
import { request } from "./api.js";
import { h, clear } from "./dom.js";
import { message } from "./errors.js";
import { dateTime, label, money, t } from "./i18n.js";
import { partsSection } from "./customer_parts.js";
import { reassignForm } from "./reassign.js";

export async function renderCustomer(main, customerId) {
  const id = encodeURIComponent(customerId);
  let gathered, customer;
  try {
    gathered = await request(`/customers/${id}/360`);
    // The record is the page: missed under the 360's short per-part deadline (a service just
    // restarted, a busy host), it is asked for alone; a service down is then a 503 said plainly.
    customer = gathered.customer.available ? gathered.customer.record : await request(`/customers/${id}`);
  } catch (error) {
    clear(main, back(), h("p", { class: "form-error", role: "alert", text: message(error) }));
    return;
  }
  const owner = customer.owner_id
    ? await request(`/users/${encodeURIComponent(customer.owner_id)}`).then((u) => u.name)
        .catch(() => customer.owner_id)
    : t("customers.unassigned");
  const reassign = await reassignForm(customer);
  clear(main, back(), h("h1", { id: "customer-name", text: customer.name }),
    h("div", { class: "grid" },
      h("div", {}, details(customer, owner, reassign), contactList(gathered.contacts)),
      timelineSection(id, gathered.interactions)),
    partsSection(gathered));
}

function back() {
  return h("p", {}, h("a", { href: "#/customers", text: `← ${t("customers.title")}` }));
}

function details(customer, owner, reassign) {
  const rows = [
    ["customer.kind", label("kind", customer.kind)],
    ["customers.stage", label("stage", customer.lifecycle_stage)],
    ["customers.class", customer.value_class ? label("class", customer.value_class) : ""],
    ["customers.owner", owner],
    ["customers.region", customer.region], ["customer.industry", customer.industry],
    ["customer.annual_revenue", money(customer.annual_revenue, customer.currency)],
    ["customer.phone", customer.phone], ["customer.email", customer.email],
    ["customer.website", customer.website], ["customer.address", customer.address],
    ["customer.source", customer.source], ["customer.created_at", dateTime(customer.created_at)],
  ].filter(([, value]) => value);
  return h("section", { class: "card", "aria-labelledby": "details-title" },
    h("h2", { id: "details-title", text: t("customer.details") }),
    h("dl", { class: "details", id: "customer-details" },
      rows.map(([key, value]) => [h("dt", { text: t(key) }), h("dd", { text: value })])),
    (customer.tags || []).length ? h("p", {}, customer.tags.map((tag) => h("span", { class: "tag", text: tag }))) : null,
    reassign);
}

function unavailable(part) {
  return h("p", { class: "muted not-available", "data-state": "unavailable", title: part.reason || "",
                  text: t("customer.part_unavailable") });
}

function contactList(part) {
  const section = (body) => h("section", { class: "card", "aria-labelledby": "contacts-title" },
    h("h2", { id: "contacts-title", text: t("customer.contacts") }), body);
  if (!part.available) return section(unavailable(part));
  const contacts = part.items;
  return section(contacts.length ? h("table", { id: "contacts" }, h("tbody", {}, contacts.map((contact) =>
    h("tr", {}, h("td", {}, h("strong", { text: contact.name }),
                  contact.role ? h("div", { class: "muted", text: contact.role }) : null),
              h("td", {}, [contact.email, contact.phone].filter(Boolean).map((v) => h("div", { text: v })))))))
    : h("p", { class: "empty", text: t("customer.no_contacts") }));
}

function timelineSection(id, first) {
  if (!first.available) {
    return h("section", { class: "card", "aria-labelledby": "timeline-title" },
      h("h2", { id: "timeline-title", text: t("customer.timeline") }), unavailable(first));
  }
  const list = h("ol", { class: "timeline", id: "timeline" });
  const more = h("button", { type: "button", text: t("common.more") });
  const status = h("p", { class: "muted", role: "status" });
  let cursor = null;
  const add = (page) => {
    list.append(...page.items.map(entry));
    cursor = page.next_cursor;
    more.hidden = !cursor;
  };
  more.addEventListener("click", async () => {
    more.disabled = true;
    try {
      add(await request(`/customers/${id}/interactions`, { query: { limit: 20, cursor } }));
      status.textContent = "";
    } catch (error) {
      status.textContent = message(error);
    }
    more.disabled = false;
  });
  add(first);
  return h("section", { class: "card", "aria-labelledby": "timeline-title" },
    h("h2", { id: "timeline-title", text: t("customer.timeline") }),
    first.items.length ? list : h("p", { class: "empty", text: t("customer.no_timeline") }),
    status, more);
}

function entry(item) {
  return h("li", { "data-kind": item.kind },
    h("div", { class: "when" }, dateTime(item.occurred_at), " · ", label("timeline", item.kind)),
    item.title ? h("strong", { text: item.title }) : null,
    h("div", { text: item.summary || "" }),
    item.outcome ? h("div", { class: "muted", text: item.outcome }) : null);
}
