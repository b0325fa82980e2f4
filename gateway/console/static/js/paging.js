// Lists paged with the API's opaque cursors, the filters and the cursor kept in the route
// (#/tickets?priority=high&cursor=…). Cursors only go forward: the cursors of the pages before
// this one are remembered (memory only, per route and filter set) so "previous" can go back.
import { h, navigate } from "./dom.js";
import { t } from "./i18n.js";

const trails = new Map();

export function hashQuery(values) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) if (value) search.set(name, value);
  const text = search.toString();
  return text ? `?${text}` : "";
}

// `values`: the route's filters (without the cursor); `cursor`: this page's; `next`: the API's.
export function pager(route, values, cursor, next) {
  const key = route + JSON.stringify(values);
  const trail = trails.get(key) || [];
  trails.clear();
  trails.set(key, trail);
  const go = (to) => navigate(route + hashQuery({ ...values, cursor: to }));
  return h("div", { class: "pager" },
    h("button", { type: "button", id: "previous-page", disabled: !cursor, text: t("common.previous"),
                  onclick: () => go(trail.pop() || "") }),
    h("button", { type: "button", id: "next-page", disabled: !next, text: t("common.next"),
                  onclick: () => { trail.push(cursor); go(next); } }));
}

// A filter form's <select>: "any" first, then the pairs, the route's value chosen.
export function choice(name, pairs, chosen) {
  return h("select", { name }, [["", t("common.any")], ...pairs].map(([value, text]) =>
    h("option", { value, selected: String(value) === String(chosen ?? "") }, text)));
}
