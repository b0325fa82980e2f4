// Working a ticket: its conversation, a public reply or an internal note (the field's error
// beside it, the text kept on a failure), a status change (an illegal move: the service's 409
// reason, said as it gave it). Success draws the page again from the API.
import { request } from "./api.js";
import { h, field, navigate } from "./dom.js";
import { clearFieldErrors, message, showFieldErrors } from "./errors.js";
import { dateTime, label, t } from "./i18n.js";

const STATUSES = ["new", "open", "waiting_on_customer", "waiting_on_third_party", "resolved", "closed"];

export function conversation(entries) {
  if (!entries.length) return h("p", { class: "empty", id: "ticket-entries", text: t("ticket.no_entries") });
  return h("ol", { class: "timeline", id: "ticket-entries" }, entries.map((entry) =>
    h("li", { class: `entry ${entry.kind}`, "data-kind": entry.kind },
      h("div", { class: "when" }, dateTime(entry.created_at), " · ", label("entry", entry.kind),
        " · ", label("author", entry.author_kind)),
      h("div", { class: "body", text: entry.body }))));
}

export function answerForm(url) {
  const body = h("textarea", { name: "body", rows: 4 });
  const status = h("p", { class: "muted", role: "status", id: "answer-status" });
  const form = h("form", { id: "answer-form", onsubmit: (event) => event.preventDefault() },
    field(t("ticket.answer"), body),
    h("div", { class: "row" },
      h("button", { type: "button", class: "primary", id: "send-reply", text: t("ticket.send_reply"),
                    onclick: () => send("replies") }),
      h("button", { type: "button", id: "add-note", text: t("ticket.add_note"),
                    onclick: () => send("notes") })),
    status);
  return form;

  async function send(kind) {
    clearFieldErrors(form);
    status.textContent = "";
    try {
      await request(`${url}/${kind}`, { method: "POST", body: { body: body.value } });
      navigate(location.hash);
    } catch (error) {
      const unplaced = error.status === 422 ? showFieldErrors(form, error.errors) : [];
      status.textContent = [message(error), ...unplaced].join(" ");
    }
  }
}

export function statusForm(url, ticket) {
  const select = h("select", { name: "status" }, STATUSES.map((value) =>
    h("option", { value, selected: value === ticket.status }, label("ticket_status", value))));
  const reason = h("input", { name: "reason", maxlength: 200 });
  const status = h("p", { class: "muted", role: "status", id: "status-change-status" });
  const form = h("form", { class: "filters", id: "status-form", onsubmit: change },
    field(t("tickets.status"), select), field(t("ticket.reason"), reason),
    h("button", { type: "submit", id: "change-status", text: t("ticket.change_status") }), status);
  return form;

  async function change(event) {
    event.preventDefault();
    clearFieldErrors(form);
    try {
      await request(`${url}/status`, { method: "POST", body: { status: select.value, reason: reason.value || undefined } });
      navigate(location.hash);
    } catch (error) {
      const unplaced = error.status === 422 ? showFieldErrors(form, error.errors) : [];
      status.textContent = [message(error), ...unplaced].join(" ");
    }
  }
}
