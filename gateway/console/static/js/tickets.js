// 工单 — the ticket queue: the tickets the user may see (the API scopes them: an agent their
// team's queue, a rep their customers'), filtered in the route (#/tickets?priority=high),
// paged with the API's cursors, each with its SLA badge; and the CSAT of the last 30 days.
import { request } from "./api.js";
import { renderCsat } from "./csat.js";
import { h, clear, field, navigate } from "./dom.js";
import { message, showFieldErrors } from "./errors.js";
import { dateTime, label, t } from "./i18n.js";
import { choice, hashQuery, pager } from "./paging.js";
import { user } from "./session.js";
import { slaBadge } from "./sla.js";

const FILTERS = ["status_category", "priority", "channel", "assignee_id"];
export const PRIORITIES = ["urgent", "high", "medium", "low"];
const CHANNELS = ["email", "web_form", "phone", "chat", "api"];
const PAGE_SIZE = 25;

export async function renderTickets(main, params) {
  const filters = Object.fromEntries(FILTERS.map((name) => [name, params.get(name) || ""]));
  const cursor = params.get("cursor") || "";
  const form = filterForm(filters);
  const status = h("p", { class: "muted", role: "status", id: "tickets-status", text: t("common.loading") });
  const body = h("tbody");
  const paging = h("div");
  const csat = h("section", { class: "card", id: "csat", "aria-labelledby": "csat-title" });
  clear(main, h("h1", { text: t("tickets.title") }), form, status,
    h("table", { id: "tickets-table" }, h("thead", {}, h("tr", {},
      ["tickets.subject", "tickets.customer", "tickets.status", "tickets.priority", "tickets.sla",
       "tickets.created"].map((column) => h("th", { scope: "col", text: t(column) })))), body),
    paging, csat);
  renderCsat(csat);

  let page;
  try {
    page = await request("/service-desk/tickets", { query: { ...filters, cursor, limit: PAGE_SIZE } });
  } catch (error) {
    const unplaced = error.status === 422 ? showFieldErrors(form, error.errors) : [];
    status.textContent = [message(error), ...unplaced].join(" ");
    status.setAttribute("role", "alert");
    return;
  }
  // Each row's SLA clock, asked side by side; a ticket without one shows no badge.
  const clocks = await Promise.all(page.items.map((ticket) =>
    request(`/service-desk/tickets/${encodeURIComponent(ticket.id)}/sla`).catch(() => null)));
  status.textContent = page.items.length ? "" : t("tickets.empty");
  body.append(...page.items.map((ticket, index) => row(ticket, clocks[index])));
  paging.replaceWith(pager("#/tickets", filters, cursor, page.next_cursor));
}

function row(ticket, sla) {
  return h("tr", { "data-id": ticket.id },
    h("td", { class: "subject" }, h("a", { href: `#/tickets/${encodeURIComponent(ticket.id)}`, text: ticket.subject })),
    h("td", { class: ticket.customer_id ? null : "unmatched", text: customerLabel(ticket) }),
    h("td", { text: label("ticket_status", ticket.status) }),
    h("td", { text: label("priority", ticket.priority) }),
    h("td", { class: "sla" }, slaBadge(sla)),
    h("td", { text: dateTime(ticket.created_at) }));
}

// A mail from an unknown sender is a ticket without a customer until an agent attaches it:
// it says so (and whom it came from) instead of showing nothing.
export function customerLabel(ticket) {
  if (ticket.customer_id) return ticket.customer_name || ticket.customer_id;
  const sender = ticket.sender_email ? ` (${ticket.sender_email})` : "";
  return `${t("tickets.unmatched_sender")}${sender}`;
}

function filterForm(filters) {
  const me = user();
  const form = h("form", { class: "filters", id: "ticket-filters", role: "search", onsubmit: apply },
    field(t("tickets.status"), choice("status_category", ["open", "paused", "resolved"]
      .map((value) => [value, label("status_category", value)]), filters.status_category)),
    field(t("tickets.priority"), choice("priority", PRIORITIES.map((p) => [p, label("priority", p)]),
                                        filters.priority)),
    field(t("tickets.channel"), choice("channel", CHANNELS.map((c) => [c, label("channel", c)]),
                                       filters.channel)),
    field(t("tickets.assignee"), choice("assignee_id", [[me.id, t("tickets.mine")],
                                                        ["none", t("tickets.unassigned")]], filters.assignee_id)),
    h("button", { class: "primary", type: "submit", text: t("common.apply") }),
    h("button", { type: "button", text: t("common.reset"), onclick: () => navigate("#/tickets") }));
  return form;

  function apply(event) {
    event.preventDefault();
    navigate("#/tickets" + hashQuery(Object.fromEntries(new FormData(form))));
  }
}
