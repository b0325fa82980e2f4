// A deal's documents, in the order business goes: 报价 (quote: drafted from the deal's lines,
// sent, accepted) → 合同 (contract, from the accepted quote or the won deal) → 订单 (order, from
// the contract) → 发票 (invoice, from the order) → 回款 (payments against the invoice). Each
// step is one button calling the existing sales endpoint; what the service refuses (a contract
// before the quote is accepted, a payment above the balance) is said in its own words, with a
// field's message beside the field.
import { request } from "./api.js";
import { h, clear, field, navigate } from "./dom.js";
import { refusal, send } from "./form_send.js";
import { label, money, t } from "./i18n.js";

const TERM_MONTHS = 12;            // a contract's default term; the API takes ends_on instead too

export async function documentsSection(deal) {
  const query = { query: { deal_id: deal.id, limit: 50 } };
  const status = h("p", { class: "form-error", role: "alert", id: "deal-documents-status" });
  let quotes, contracts, orders, invoices;
  try {
    [quotes, contracts, orders, invoices] = (await Promise.all(
      ["/quotes", "/contracts", "/orders", "/invoices"].map((path) => request(path, query))))
      .map((page) => page.items);
  } catch (error) {
    status.textContent = refusal(error);
    return h("section", { class: "card" }, status);
  }
  const form = h("form", { class: "card", id: "deal-documents", novalidate: true,
                           onsubmit: (event) => event.preventDefault() });
  const act = async (path, body = {}) => {
    if (await send(form, status, () => request(path, { method: "POST", body }))) navigate(location.hash);
  };
  const button = (id, key, path, body) =>
    h("button", { type: "button", id, text: t(key), onclick: () => act(path, body) });
  const accepted = quotes.find((quote) => quote.status === "accepted");
  const source = (kind, found) => (found ? { [`${kind}_id`]: found.id } : { deal_id: deal.id });

  clear(form,
    h("h2", { text: t("documents.title") }),
    part("quotes", "documents.quotes", quotes.map((quote) => row(quote, label("quote_status", quote.status),
      quote.total, quote.currency,
      quote.status === "draft" ? button(`send-${quote.id}`, "documents.send", `/quotes/${quote.id}/send`)
        : null,
      quote.status === "sent" ? button(`accept-${quote.id}`, "documents.accept", `/quotes/${quote.id}/accept`)
        : null)),
      button("new-quote", "documents.new_quote", `/deals/${encodeURIComponent(deal.id)}/quotes`)),
    part("contracts", "documents.contracts", contracts.map((c) => row(c, "", c.value, c.currency)),
      contracts.length ? null : button("sign-contract", "documents.sign_contract", "/contracts",
                                       { ...source("quote", accepted), term_months: TERM_MONTHS })),
    part("orders", "documents.orders", orders.map((order) => row(order, "", order.total, order.currency)),
      orders.length ? null : button("place-order", "documents.place_order", "/orders",
                                    source("contract", contracts[0]))),
    part("invoices", "documents.invoices", invoices.map((invoice) => row(invoice,
      label("invoice_status", invoice.status), invoice.total, invoice.currency,
      h("span", { class: "muted", text: t("documents.outstanding", {
        amount: money(invoice.outstanding, invoice.currency) }) }))),
      invoices.length ? null : button("issue-invoice", "documents.issue_invoice", "/invoices",
                                      source("order", orders[0]))),
    paymentFields(invoices.find((invoice) => Number(invoice.outstanding) > 0), act),
    status);
  return form;
}

function part(id, titleKey, rows, action) {
  return h("div", { class: "documents", id: `deal-${id}` }, h("h3", { text: t(titleKey) }),
    rows.length ? h("ul", {}, rows) : h("p", { class: "empty", text: t("documents.none") }), action);
}

function row(document, state, amount, currency, ...actions) {
  return h("li", { "data-id": document.id }, h("strong", { text: document.number }), " ",
    state ? h("span", { class: "tag", text: state }) : null, " ", money(amount, currency), " ", actions);
}

// 回款: a payment against the first invoice with a balance (the amount offered is the balance).
function paymentFields(invoice, act) {
  if (!invoice) return null;
  const amount = h("input", { name: "amount", value: invoice.outstanding, inputmode: "decimal" });
  const received = h("input", { name: "received_on", type: "date" });
  const body = () => Object.fromEntries([["amount", amount.value.trim()], ["received_on", received.value]]
    .filter(([, value]) => value));
  return h("fieldset", { id: "payment" },
    h("legend", { text: t("documents.payment", { number: invoice.number }) }),
    field(t("documents.amount"), amount), field(t("documents.received_on"), received),
    h("button", { type: "button", id: "record-payment", text: t("documents.record_payment"),
                  onclick: () => act(`/invoices/${encodeURIComponent(invoice.id)}/payments`, body()) }));
}
