// A new customer (#/customers/new), POST /customers. Nothing typed is lost: each field's
// message of a 422 is shown beside it and the form stays as filled; a 503 or a lost connection
// is said in one sentence with the form untouched; and the half-filled form is kept in this
// module's memory (never in browser storage — it may hold personal data), so leaving for
// another screen and coming back finds it as it was. A reload or signing out forgets it, as
// it forgets the token. "Discard" empties it; a created customer opens on its 360 page.
import { request } from "./api.js";
import { h, clear, field, navigate, options } from "./dom.js";
import { filled, send } from "./form_send.js";
import { label, t } from "./i18n.js";

const KINDS = ["company", "individual"];
const STAGES = ["lead", "prospect", "customer", "churned"];
const CLASSES = ["A", "B", "C"];
let draft = {};                   // field name → what was typed, until created or discarded

export function renderNewCustomer(main) {
  const input = (name, type = "text") => h("input", { name, type, value: draft[name] || "" });
  const select = (name, pairs, fallback = "") =>
    h("select", { name }, options(pairs, draft[name] ?? fallback));
  const status = h("p", { class: "form-error", role: "alert", id: "customer-new-status" });
  const submit = h("button", { class: "primary", type: "submit", id: "create-customer",
                               text: t("customer_new.create") });
  const form = h("form", { class: "card", id: "customer-new", novalidate: true, onsubmit: create,
                           oninput: keep, onchange: keep },
    h("div", { class: "form-grid" },
      field(t("customer.kind"), select("kind", KINDS.map((k) => [k, label("kind", k)]), "company")),
      field(t("customers.name"), h("input", { name: "name", value: draft.name || "", required: true })),
      field(t("customer.industry"), input("industry")),
      field(t("customers.region"), input("region")),
      field(t("customer.email"), input("email", "email")),
      field(t("customer.phone"), input("phone", "tel")),
      field(t("customer.website"), input("website", "url")),
      field(t("customer.source"), input("source")),
      field(t("customer.annual_revenue"), input("annual_revenue")),
      field(t("customer_new.currency"), input("currency")),
      field(t("customers.stage"),
        select("lifecycle_stage", STAGES.map((s) => [s, label("stage", s)]), "lead")),
      field(t("customers.class"), select("value_class",
        [["", t("customer_new.no_class")], ...CLASSES.map((c) => [c, label("class", c)])])),
      field(t("customer.address"), h("textarea", { name: "address", rows: 2 }, draft.address || ""))),
    status,
    h("div", { class: "row" },
      h("span", { class: "muted", text: t("customer_new.kept") }),
      h("span", {},
        h("button", { type: "button", id: "discard-customer", text: t("customer_new.discard"),
                      onclick: () => { draft = {}; renderNewCustomer(main); } }),
        " ", submit)));
  clear(main, h("p", {}, h("a", { href: "#/customers", text: `← ${t("customers.title")}` })),
    h("h1", { text: t("customer_new.title") }), form);
  form.querySelector("[name=name]").focus();

  function keep() {
    draft = Object.fromEntries(new FormData(form));
  }

  async function create(event) {
    event.preventDefault();
    keep();
    const body = filled(form);
    const created = await send(form, status, () => request("/customers", { method: "POST", body }));
    if (created) {
      draft = {};
      navigate(`#/customers/${encodeURIComponent(created.id)}`);
    }
  }
}
