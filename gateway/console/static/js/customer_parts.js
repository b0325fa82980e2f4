// The customer 360 page's business parts, from the gateway's GET /customers/{id}/360 (each part
// asked of its own service and scoped by it): deals, quotes, orders, invoices, tasks and tickets,
// each a card with its first page. A part whose service is down or slow, or that the user's role
// may not read, is that part's answer (`available: false`): said in its card, the rest shown.
import { h } from "./dom.js";
import { dateTime, label, money, t } from "./i18n.js";

const deal = (id) => `#/deals/${encodeURIComponent(id)}`;
const link = (href, text) => h("a", { href, text });

// [part, title, one record → the cells of its row]
const PARTS = [
  ["deals", "customer.deals", (d) => [link(deal(d.id), d.name), label("deal_stage", d.stage),
    money(d.amount, d.currency), d.expected_close_date || ""]],
  ["quotes", "documents.quotes", (q) => [link(deal(q.deal_id), q.number), label("quote_status", q.status),
    money(q.total, q.currency), q.valid_until || ""]],
  ["orders", "documents.orders", (o) => [link(deal(o.deal_id), o.number), "", money(o.total, o.currency),
    dateTime(o.created_at)]],
  ["invoices", "documents.invoices", (i) => [link(deal(i.deal_id), i.number),
    [label("invoice_status", i.status), i.overdue ? ` · ${t("customer.invoice_overdue")}` : ""].join(""),
    money(i.total, i.currency), t("documents.outstanding", { amount: money(i.outstanding, i.currency) })]],
  ["tasks", "customer.tasks", (task) => [task.title, label("task_kind", task.kind),
    [label("task_status", task.status), task.overdue ? ` · ${t("tasks.overdue")}` : ""].join(""),
    dateTime(task.due_at)]],
  ["tickets", "customer.tickets", (ticket) => [link(`#/tickets/${encodeURIComponent(ticket.id)}`,
    ticket.subject), label("ticket_status", ticket.status), label("priority", ticket.priority),
    dateTime(ticket.created_at)]],
];

export function partsSection(gathered) {
  return h("div", { class: "parts", id: "customer-parts" },
    PARTS.map(([name, title, cells]) => card(name, title, gathered[name], cells)));
}

function card(name, title, part, cells) {
  const heading = h("h2", { id: `customer-${name}-title`, text: t(title) });
  const section = (...body) => h("section", { class: "card", id: `customer-${name}`,
                                              "aria-labelledby": heading.id }, heading, ...body);
  if (!part || !part.available) {
    const refused = (part?.reason || "").startsWith("not permitted");
    const shown = section(h("p", { class: "muted not-available", title: part?.reason || "",
      text: t(refused ? "dashboard.not_for_role" : "customer.part_unavailable") }));
    shown.dataset.state = "unavailable";
    return shown;
  }
  if (!part.items.length) return section(h("p", { class: "empty", text: t("documents.none") }));
  return section(
    h("table", {}, h("tbody", {}, part.items.map((item) => h("tr", { "data-id": item.id },
      cells(item).map((cell) => h("td", {}, cell)))))),
    part.next_cursor ? h("p", { class: "muted", text: t("customer.first_shown", { count: part.items.length }) })
      : null);
}
