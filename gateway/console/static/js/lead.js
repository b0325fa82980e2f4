// One lead (#/leads/<id>): its details and score, its status moved on (contacted, qualified),
// its details edited (PATCH), and its conversion into a customer and a deal (商机) with a
// product line — which opens the new deal. Each form says its own errors beside its fields.
import { request } from "./api.js";
import { h, clear, field, navigate, options } from "./dom.js";
import { filled, refusal, send } from "./form_send.js";
import { label, t } from "./i18n.js";
import { leadFields } from "./leads.js";

export async function renderLead(main, leadId) {
  const path = `/leads/${encodeURIComponent(leadId)}`;
  let lead, products;
  try {
    [lead, products] = await Promise.all([request(path), request("/products", { query: { active: true } })]);
  } catch (error) {
    clear(main, back(), h("p", { class: "form-error", role: "alert", text: refusal(error) }));
    return;
  }
  const open = !["converted", "disqualified"].includes(lead.status);
  clear(main, back(),
    h("h1", { id: "lead-name", text: lead.contact_name }),
    h("p", { id: "lead-summary" }, label("lead_status", lead.status), " · ",
      t("leads.score_is", { score: lead.score }), lead.company_name ? ` · ${lead.company_name}` : ""),
    lead.deal_id ? h("p", {}, h("a", { href: `#/deals/${encodeURIComponent(lead.deal_id)}`, id: "lead-deal",
                                        text: t("leads.open_deal") })) : null,
    h("div", { class: "grid" },
      open ? h("div", {}, statusBar(path, lead), convertForm(path, lead, products)) : h("div"),
      editForm(path, lead)));
}

function back() {
  return h("p", {}, h("a", { href: "#/leads", text: `← ${t("leads.title")}` }));
}

// The statuses a lead goes on to from here (disqualifying, which needs a reason, is the API's for now).
const NEXT = { new: ["contacted", "qualified"], contacted: ["qualified"] };

function statusBar(path, lead) {
  if (!NEXT[lead.status]) return null;
  const status = h("p", { class: "form-error", role: "alert", id: "lead-status-error" });
  const form = h("form", { class: "card", id: "lead-status" },
    h("h2", { text: t("leads.status") }),
    NEXT[lead.status].map((next) =>
      h("button", { type: "button", "data-status": next, text: label("lead_status", next),
                    onclick: () => move(next) })), status);
  return form;

  async function move(next) {
    const body = { status: next };
    if (await send(form, status, () => request(`${path}/status`, { method: "POST", body }))) {
      navigate(location.hash);
    }
  }
}

function editForm(path, lead) {
  const status = h("p", { class: "form-error", role: "alert", id: "lead-edit-status" });
  const form = h("form", { class: "card", id: "lead-edit", novalidate: true, onsubmit: save },
    h("h2", { text: t("leads.edit") }), leadFields(lead), status,
    h("button", { class: "primary", type: "submit", id: "save-lead", text: t("leads.save") }));
  return form;

  async function save(event) {
    event.preventDefault();
    // Every field is sent, an emptied one as null: clearing a value is an edit too.
    const body = Object.fromEntries([...new FormData(form)].map(([name, value]) =>
      [name, String(value).trim() || (name === "contact_name" ? "" : null)]));
    if (await send(form, status, () => request(path, { method: "PATCH", body }))) navigate(location.hash);
  }
}

function convertForm(path, lead, products) {
  const status = h("p", { class: "form-error", role: "alert", id: "lead-convert-status" });
  const currency = h("input", { name: "currency", value: products[0]?.currency || "" });
  const product = h("select", { name: "product_id", onchange: () => {
    currency.value = products.find((p) => p.id === product.value)?.currency || currency.value;
  } }, options([["", t("leads.no_product")], ...products.map((p) => [p.id, p.name])], ""));
  const form = h("form", { class: "card", id: "lead-convert", novalidate: true, onsubmit: convert },
    h("h2", { text: t("leads.convert") }),
    field(t("leads.deal_name"),
      h("input", { name: "deal_name", value: lead.company_name || lead.contact_name })),
    field(t("leads.product"), product),
    field(t("leads.quantity"), h("input", { name: "quantity", type: "number", min: 1, value: 1 })),
    field(t("leads.currency"), currency),
    field(t("leads.close_date"), h("input", { name: "expected_close_date", type: "date" })),
    status, h("button", { class: "primary", type: "submit", id: "convert-lead", text: t("leads.convert") }));
  return form;

  async function convert(event) {
    event.preventDefault();
    const { product_id: productId, quantity, ...body } = filled(form);
    body.lines = productId ? [{ product_id: productId, quantity: Number(quantity) || quantity }] : [];
    const done = await send(form, status, () => request(`${path}/convert`, { method: "POST", body }));
    if (done) navigate(`#/deals/${encodeURIComponent(done.deal.id)}`);
  }
}
