// 线索 — the leads the user may see (#/leads?status=…, newest first, paged with the API's
// cursor) and a new lead's form above them (POST /leads; scored and assigned by the service).
// A lead opens on its own page (lead.js): edit, qualify, convert into a customer and a deal.
import { queryString, request } from "./api.js";
import { h, clear, field, navigate, options } from "./dom.js";
import { filled, refusal, send } from "./form_send.js";
import { dateTime, label, t } from "./i18n.js";

export const SOURCES = ["web", "referral", "partner", "event", "campaign", "outbound", "other"];
const STATUSES = ["new", "contacted", "qualified", "disqualified", "converted"];

export async function renderLeads(main, params) {
  const status = params.get("status") || "";
  const cursor = params.get("cursor") || "";
  const listed = h("p", { class: "muted", role: "status", id: "leads-status", text: t("common.loading") });
  const body = h("tbody");
  const more = h("p", { class: "pager" });
  const filter = h("select", { name: "status", "aria-label": t("leads.status"),
                               onchange: () => navigate("#/leads" + queryString({ status: filter.value })) },
    options([["", t("common.any")], ...STATUSES.map((s) => [s, label("lead_status", s)])], status));
  clear(main, h("h1", { text: t("leads.title") }), newLeadForm(),
    h("div", { class: "filters" }, field(t("leads.status"), filter)), listed,
    h("table", { id: "leads-table" }, h("thead", {}, h("tr", {},
      ["leads.contact", "leads.company", "leads.status", "leads.score", "leads.created"]
        .map((key) => h("th", { scope: "col", text: t(key) })))), body), more);
  let page;
  try {
    page = await request("/leads", { query: { status, cursor, limit: 25 } });
  } catch (error) {
    listed.textContent = refusal(error);
    return;
  }
  listed.textContent = page.items.length ? "" : t("leads.empty");
  body.append(...page.items.map((lead) => h("tr", { "data-id": lead.id },
    h("td", {}, h("a", { href: `#/leads/${encodeURIComponent(lead.id)}`, text: lead.contact_name })),
    h("td", { text: lead.company_name || "" }),
    h("td", { text: label("lead_status", lead.status) }),
    h("td", { text: lead.score ?? "" }),
    h("td", { text: dateTime(lead.created_at) }))));
  if (page.next_cursor) {
    more.append(h("a", { href: "#/leads" + queryString({ status, cursor: page.next_cursor }),
                         text: t("common.next") }));
  }
}

// The fields a lead is captured and edited with (lead.js reuses them with the lead's values).
export function leadFields(lead = {}) {
  const input = (name, type = "text") => h("input", { name, type, value: lead[name] || "" });
  return [
    field(t("leads.contact"), h("input", { name: "contact_name", value: lead.contact_name || "" })),
    field(t("leads.email"), input("contact_email", "email")),
    field(t("leads.phone"), input("contact_phone", "tel")),
    field(t("leads.company"), input("company_name")),
    field(t("leads.industry"), input("industry")),
    field(t("leads.region"), input("region")),
    field(t("leads.source"), h("select", { name: "source" },
      options([["", t("common.any")], ...SOURCES.map((s) => [s, label("lead_source", s)])], lead.source))),
  ];
}

function newLeadForm() {
  const status = h("p", { class: "form-error", role: "alert", id: "lead-new-status" });
  const form = h("form", { class: "card", id: "lead-new", novalidate: true, onsubmit: create },
    h("h2", { text: t("leads.new") }), h("div", { class: "form-grid" }, leadFields()), status,
    h("button", { class: "primary", type: "submit", id: "create-lead", text: t("leads.create") }));
  return form;

  async function create(event) {
    event.preventDefault();
    const body = filled(form);
    const created = await send(form, status, () => request("/leads", { method: "POST", body }));
    if (created) navigate(`#/leads/${encodeURIComponent(created.id)}`);
  }
}
