// A ticket's page: what it is, its SLA clock, its conversation (public replies and internal
// notes, oldest first) with the forms to answer and to move its status, and the knowledge-base
// articles suggested for it (知识库, from its subject).
import { request } from "./api.js";
import { h, clear } from "./dom.js";
import { message } from "./errors.js";
import { dateTime, label, t } from "./i18n.js";
import { slaBadge, slaTargets } from "./sla.js";
import { answerForm, conversation, statusForm } from "./ticket_answer.js";
import { customerLabel } from "./tickets.js";

export async function renderTicket(main, ticketId) {
  const url = `/service-desk/tickets/${encodeURIComponent(ticketId)}`;
  let ticket, sla, entries;
  try {
    [ticket, sla, entries] = await Promise.all([
      request(url), request(`${url}/sla`).catch((error) => (error.status === 404 ? null : Promise.reject(error))),
      request(`${url}/entries`, { query: { limit: 100 } })]);
  } catch (error) {
    clear(main, back(), h("p", { class: "form-error", role: "alert", text: message(error) }));
    return;
  }
  const writable = !ticket.read_only;
  // Suggestions are for those who work tickets (a rep's 403 shows none).
  const suggestions = writable ? await request("/service-desk/knowledge/suggestions",
    { query: { ticket_id: ticket.id } }).then((page) => page.items).catch(() => []) : [];
  clear(main, back(),
    h("h1", { id: "ticket-subject" }, ticket.subject, " ", slaBadge(sla)),
    h("div", { class: "grid" },
      h("div", {}, details(ticket, sla, writable ? statusForm(url, ticket) : null),
        knowledge(suggestions, writable)),
      h("section", { class: "card", "aria-labelledby": "conversation-title" },
        h("h2", { id: "conversation-title", text: t("ticket.conversation") }),
        conversation(entries.items), writable ? answerForm(url) : null)));
}

function back() {
  return h("p", {}, h("a", { href: "#/tickets", text: `← ${t("tickets.title")}` }));
}

function details(ticket, sla, form) {
  const rows = [
    ["tickets.customer", customerLabel(ticket)],
    ["tickets.status", label("ticket_status", ticket.status)],
    ["tickets.priority", label("priority", ticket.priority)],
    ["tickets.channel", label("channel", ticket.channel)],
    ["ticket.category", ticket.category],
    ["tickets.created", dateTime(ticket.created_at)],
    ["ticket.first_response", dateTime(ticket.first_responded_at)],
    ["ticket.resolved", dateTime(ticket.resolved_at)],
  ].filter(([, value]) => value);
  return h("section", { class: "card", "aria-labelledby": "ticket-details-title" },
    h("h2", { id: "ticket-details-title", text: t("ticket.details") }),
    h("dl", { class: "details", id: "ticket-details" },
      rows.map(([key, value]) => [h("dt", { text: t(key) }), h("dd", { text: value })])),
    ticket.description ? h("p", { class: "description", text: ticket.description }) : null,
    h("h2", { text: t("tickets.sla") }), slaTargets(sla), form);
}

function knowledge(suggestions, writable) {
  if (!writable) return null;
  return h("section", { class: "card", "aria-labelledby": "kb-title" },
    h("h2", { id: "kb-title", text: t("ticket.knowledge") }),
    suggestions.length
      ? h("ul", { id: "kb-suggestions" }, suggestions.map((article) =>
        h("li", {}, h("strong", { text: article.title }),
          article.category ? h("span", { class: "muted", text: ` · ${article.category}` }) : null)))
      : h("p", { class: "empty", id: "kb-none", text: t("ticket.no_knowledge") }));
}
