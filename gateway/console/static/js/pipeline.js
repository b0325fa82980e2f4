// 销售漏斗 — the pipeline board (#/pipeline): the deals the user may see (the API scopes them),
// one column per stage with its count, sum and weighted sum per currency exactly as
// GET /pipeline answers them (nothing is added up here, so the board equals the API), the
// cards from GET /deals?stage=… . The filters (owner, product, expected close date) live in the
// URL and go to both calls alike. Moving a card, by mouse or keyboard: pipeline_move.js.
import { queryString, request } from "./api.js";
import { h, clear, field, navigate, options } from "./dom.js";
import { message, showFieldErrors } from "./errors.js";
import { label, money, t } from "./i18n.js";
import { card, dropZone } from "./pipeline_move.js";
import { user } from "./session.js";

const FILTERS = ["owner_id", "product_id", "close_from", "close_to"];
const CARDS = 100;                // cards shown per column; the column's count says how many exist
let flash = "";                   // said once on the next rendering (after a move)
let refocus = null;               // the deal whose card gets the focus back after a move

export async function renderPipeline(main, params) {
  const filters = Object.fromEntries(FILTERS.map((name) => [name, params.get(name) || ""]));
  const me = user();
  const mayPickOwner = me.role !== "sales_rep";
  const [products, people] = await Promise.all([
    request("/products", { query: { active: true } }).catch(() => []),
    mayPickOwner ? request("/users", { query: { limit: 100, active: true } })
      .then((page) => page.items).catch(() => []) : Promise.resolve([]),
  ]);
  const names = new Map(people.map((person) => [person.id, person.name]));
  const form = filterForm(filters, products, people, mayPickOwner);
  const status = h("p", { class: "muted", role: "status", id: "pipeline-status", text: t("common.loading") });
  const alert = h("p", { class: "form-error", role: "alert", id: "pipeline-error" });
  const board = h("div", { class: "board", id: "pipeline-board" });
  const said = flash;
  flash = "";
  clear(main, h("h1", { text: t("pipeline.title") }), form, status, alert, board);

  let answer, pages;
  try {
    answer = await request("/pipeline", { query: filters });
    pages = await Promise.all(answer.stages.map((stage) =>
      request("/deals", { query: { ...filters, stage: stage.key, limit: CARDS } })));
  } catch (error) {
    const unplaced = error.status === 422 ? showFieldErrors(form, error.errors) : [];
    status.textContent = "";
    alert.textContent = [message(error), ...unplaced].join(" ");
    return;
  }
  const targets = answer.stages.filter((stage) => stage.active);
  const moves = {
    targets, stageName,
    say: (text) => { alert.textContent = text; },
    moved: (deal, text) => { flash = text; refocus = deal.id; navigate(location.hash); },
  };
  status.textContent = said || t("pipeline.hint");
  board.append(...answer.stages.map((stage, index) =>
    column(stage, pages[index], (deal) => card(deal, stage, moves, names.get(deal.owner_id)))));
  const focused = refocus && board.querySelector(`[data-deal="${CSS.escape(refocus)}"]`);
  refocus = null;
  focused?.focus();
}

// A stage's name in the user's language when the catalogue knows the stage, else as the admin named it.
function stageName(stage) {
  const known = label("deal_stage", stage.key);
  return known === stage.key ? stage.name : known;
}

function column(stage, page, toCard) {
  const title = `stage-${stage.key}-title`;
  const none = [{ currency: "", amount: "0.00", weighted_amount: "0.00" }];
  const figures = stage.totals.length ? stage.totals : none;
  const amounts = (name) => figures.map((f) => h("div", { text: money(f[name], f.currency) }));
  const list = h("div", { class: "cards" }, page.items.map(toCard));
  const section = h("section", { class: "column", "data-stage": stage.key, "aria-labelledby": title },
    h("h2", { id: title }, stageName(stage), " ",
      h("span", { class: "muted", text: t("pipeline.probability", { percent: stage.probability }) })),
    h("dl", { class: "figures" },
      h("dt", { text: t("pipeline.count") }), h("dd", { class: "count", text: String(stage.count) }),
      h("dt", { text: t("pipeline.sum") }),
      h("dd", { class: "sum" }, amounts("amount")),
      h("dt", { text: t("pipeline.weighted") }),
      h("dd", { class: "weighted" }, amounts("weighted_amount"))),
    list,
    page.next_cursor
      ? h("p", { class: "muted", text: t("pipeline.more_deals", { shown: page.items.length }) }) : null);
  if (stage.active) dropZone(section, list, stage);
  return section;
}

function filterForm(filters, products, people, mayPickOwner) {
  const any = [["", t("common.any")]];
  const form = h("form", { class: "filters", id: "pipeline-filters", role: "search", onsubmit: apply },
    mayPickOwner ? field(t("pipeline.owner"), h("select", { name: "owner_id" },
      options(any.concat(people.map((person) => [person.id, person.name])), filters.owner_id))) : null,
    field(t("pipeline.product"), h("select", { name: "product_id" },
      options(any.concat(products.map((product) => [product.id, product.name])), filters.product_id))),
    [["close_from", t("pipeline.close_from")], ["close_to", t("pipeline.close_to")]].map(([name, text]) =>
      field(text, h("input", { name, type: "date", value: filters[name] }))),
    h("button", { class: "primary", type: "submit", text: t("common.apply") }),
    h("button", { type: "button", text: t("common.reset"), onclick: () => navigate("#/pipeline") }));
  return form;

  function apply(event) {
    event.preventDefault();
    navigate("#/pipeline" + queryString(Object.fromEntries(new FormData(form))));
  }
}
