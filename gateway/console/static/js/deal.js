// One deal (商机, #/deals/<id>): its figures, lines and customer, its name and expected close
// date edited (PATCH; a closed deal is final — the service says so), and its documents from
// quote to payment (deal_documents.js). Stage moves are the pipeline board's.
import { request } from "./api.js";
import { h, clear, field, navigate } from "./dom.js";
import { documentsSection } from "./deal_documents.js";
import { send, refusal } from "./form_send.js";
import { label, money, t } from "./i18n.js";

export async function renderDeal(main, dealId) {
  const path = `/deals/${encodeURIComponent(dealId)}`;
  let deal;
  try {
    deal = await request(path);
  } catch (error) {
    clear(main, back(), h("p", { class: "form-error", role: "alert", text: refusal(error) }));
    return;
  }
  const rows = [
    ["deal.stage", label("deal_stage", deal.stage)],
    ["deal.amount", money(deal.amount, deal.currency)],
    ["deal.weighted", money(deal.weighted_amount, deal.currency)],
    ["deal.close_date", deal.expected_close_date],
    ["deal.lost_reason", deal.lost_reason],
  ].filter(([, value]) => value);
  clear(main, back(), h("h1", { id: "deal-name", text: deal.name }),
    h("div", { class: "grid" },
      h("div", {},
        h("section", { class: "card", "aria-labelledby": "deal-details-title" },
          h("h2", { id: "deal-details-title", text: t("deal.details") }),
          h("dl", { class: "details", id: "deal-details" },
            rows.map(([key, value]) => [h("dt", { text: t(key) }), h("dd", { text: value })])),
          deal.customer_id ? h("p", {}, h("a", { href: `#/customers/${encodeURIComponent(deal.customer_id)}`,
                                                 text: t("deal.customer") })) : null,
          linesTable(deal)),
        editForm(path, deal)),
      await documentsSection(deal)));
}

function back() {
  return h("p", {}, h("a", { href: "#/pipeline", text: `← ${t("pipeline.title")}` }));
}

function linesTable(deal) {
  if (!deal.lines?.length) return null;
  return h("table", { id: "deal-lines" }, h("tbody", {}, deal.lines.map((line) => h("tr", {},
    h("td", { text: line.product_name }), h("td", { text: `× ${line.quantity}` }),
    h("td", { text: money(line.total, deal.currency) })))));
}

function editForm(path, deal) {
  const status = h("p", { class: "form-error", role: "alert", id: "deal-edit-status" });
  const form = h("form", { class: "card", id: "deal-edit", novalidate: true, onsubmit: save },
    h("h2", { text: t("deal.edit") }),
    field(t("deal.name"), h("input", { name: "name", value: deal.name })),
    field(t("deal.close_date"), h("input", { name: "expected_close_date", type: "date",
                                             value: deal.expected_close_date || "" })),
    status, h("button", { class: "primary", type: "submit", id: "save-deal", text: t("leads.save") }));
  return form;

  async function save(event) {
    event.preventDefault();
    const values = Object.fromEntries(new FormData(form));
    const body = { name: values.name.trim(), expected_close_date: values.expected_close_date || null };
    if (await send(form, status, () => request(path, { method: "PATCH", body }))) navigate(location.hash);
  }
}
