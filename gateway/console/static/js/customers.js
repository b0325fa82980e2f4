// 客户 — the customers the user may see (the API scopes them: a rep's own, a manager's team's),
// searched and filtered (tag, owner, region, class, stage) with the filters in the URL
// (#/customers?q=…), paged with the API's opaque cursors.
import { request } from "./api.js";
import { selectBox, tagBar } from "./batch_tag.js";
import { h, clear, field, navigate, options } from "./dom.js";
import { hashQuery, pager } from "./paging.js";
import { message, showFieldErrors } from "./errors.js";
import { label, t } from "./i18n.js";
import { user } from "./session.js";

const FILTERS = ["q", "tags_any", "owner_id", "region", "value_class", "lifecycle_stage"];
const STAGES = ["lead", "prospect", "customer", "churned"];
const CLASSES = ["A", "B", "C"];
const PAGE_SIZE = 25;             // #/customers?limit=N asks for another size (1..100)
let flash = "";                  // said once on the next rendering (after a batch tagging)

export async function renderCustomers(main, params) {
  const filters = Object.fromEntries(FILTERS.map((name) => [name, params.get(name) || ""]));
  const cursor = params.get("cursor") || "";
  const limit = Math.min(100, Math.max(1, Number(params.get("limit")) || PAGE_SIZE));
  const me = user();
  const mayPickOwner = me.role !== "sales_rep";
  const [tags, users] = await Promise.all([
    request("/tags").catch(() => []),
    mayPickOwner ? request("/users", { query: { limit: 100, active: true } })
      .then((page) => page.items).catch(() => []) : Promise.resolve([]),
  ]);
  const names = new Map(users.map((person) => [person.id, person.name]));
  names.set(me.id, me.name);

  const form = filterForm(filters, tags, users, mayPickOwner);
  const status = h("p", { class: "muted", role: "status", id: "customers-status", text: t("common.loading") });
  const body = h("tbody");
  const table = h("table", { id: "customers-table" }, h("thead", {}, h("tr", {},
    h("td"), ["customers.name", "customers.region", "customers.class", "customers.stage",
              "customers.owner", "customers.tags"].map((column) => h("th", { scope: "col", text: t(column) })))),
  body);
  const paging = h("div");
  const said = flash;
  flash = "";
  clear(main, h("div", { class: "row" }, h("h1", { text: t("customers.title") }),
    h("a", { href: "#/customers/new", id: "new-customer", text: t("customer_new.title") })),
  form, status, table, paging,
    tagBar(table, tags, (text) => { flash = text; navigate(location.hash); }));

  let page;
  try {
    page = await request("/customers", { query: { ...filters, cursor, limit } });
  } catch (error) {
    const unplaced = error.status === 422 ? showFieldErrors(form, error.errors) : [];
    status.textContent = [message(error), ...unplaced].join(" ");
    status.setAttribute("role", "alert");
    return;
  }
  status.textContent = page.items.length ? said : t("customers.empty");
  body.append(...page.items.map((customer) => row(customer, names)));

  paging.replaceWith(pager("#/customers", { ...filters, limit: params.get("limit") }, cursor,
                           page.next_cursor));
}

function row(customer, names) {
  const owner = customer.owner_id ? names.get(customer.owner_id) || customer.owner_id : t("customers.unassigned");
  return h("tr", { "data-id": customer.id }, h("td", {}, selectBox(customer)),
    h("td", { class: "name" }, h("a", { href: `#/customers/${encodeURIComponent(customer.id)}`, text: customer.name })),
    h("td", { text: customer.region || "" }),
    h("td", { text: customer.value_class ? label("class", customer.value_class) : "" }),
    h("td", { text: label("stage", customer.lifecycle_stage) }),
    h("td", { text: owner }),
    h("td", {}, (customer.tags || []).map((tag) => h("span", { class: "tag", text: tag }))));
}

function filterForm(filters, tags, users, mayPickOwner) {
  const any = [["", t("common.any")]];
  const select = (name, pairs) => h("select", { name }, options(any.concat(pairs), filters[name]));
  const form = h("form", { class: "filters", id: "customer-filters", role: "search", onsubmit: apply },
    field(t("customers.search"), h("input", { name: "q", type: "search", value: filters.q,
                                              placeholder: t("customers.search_hint") })),
    field(t("customers.tag"), select("tags_any", tags.map((tag) => [tag.name, tag.name]))),
    mayPickOwner ? field(t("customers.owner"), select("owner_id",
      users.map((person) => [person.id, person.name]))) : null,
    field(t("customers.region"), h("input", { name: "region", value: filters.region })),
    field(t("customers.class"), select("value_class", CLASSES.map((c) => [c, label("class", c)]))),
    field(t("customers.stage"), select("lifecycle_stage", STAGES.map((s) => [s, label("stage", s)]))),
    h("button", { class: "primary", type: "submit", text: t("common.apply") }),
    h("button", { type: "button", text: t("common.reset"),
                  onclick: () => navigate("#/customers") }));
  return form;

  function apply(event) {
    event.preventDefault();
    const chosen = Object.fromEntries(new FormData(form));
    navigate("#/customers" + hashQuery({ ...chosen, q: (chosen.q || "").trim() }));
  }
}
