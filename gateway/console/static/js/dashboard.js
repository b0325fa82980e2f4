// 仪表盘 — the dashboard: the period picker, then one panel per KPI, each drawn from one
// report of the public reports API (/api/v1/reports/...) for that period; the API scopes
// every figure (a rep sees their own). Panels load side by side and fail alone: a report the
// user's role may not read (403) says so in its panel, any other error is said in its panel.
import { clear, h } from "./dom.js";
import { message } from "./errors.js";
import { t } from "./i18n.js";
import { choosePeriod, periodForm, periodNote } from "./dashboard_period.js";
import { funnel, receivables, revenue, targets, winRate } from "./dashboard_sales.js";
import { campaigns, csat, sla } from "./dashboard_service.js";

const PANELS = [
  ["revenue", "dashboard.revenue_by_month", revenue],
  ["funnel", "dashboard.funnel", funnel],
  ["win-rate", "dashboard.win_rate_by_rep", winRate],
  ["targets", "dashboard.target_attainment", targets],
  ["receivables", "dashboard.receivables", receivables],
  ["sla", "dashboard.sla", sla],
  ["csat", "dashboard.csat", csat],
  ["roi", "dashboard.campaign_roi", campaigns],
];

export async function renderDashboard(main, params) {
  const period = await choosePeriod(params);
  const note = periodNote(period);
  const panels = PANELS.map(([id, title, load]) => panel(id, title, load, period));
  clear(main,
    h("h1", { text: t("dashboard.title") }),
    periodForm(period),
    h("p", { class: "muted", id: "dashboard-note", role: "status",
             text: [t("dashboard.showing", { from: period.from, to: period.to }), note].join(" ") }),
    h("div", { class: "dashboard", id: "dashboard" }, panels.map((p) => p.section)));
  await Promise.all(panels.map((p) => p.loaded));
}

function panel(id, title, load, period) {
  const body = h("div", { class: "panel-body", "aria-busy": "true" },
    h("p", { class: "loading", text: t("common.loading") }));
  const section = h("section", { class: "card panel", id: `panel-${id}`, "aria-labelledby": `panel-${id}-title` },
    h("h2", { id: `panel-${id}-title`, text: t(title) }), body);
  const loaded = load(period).then(
    (drawn) => clear(body, drawn ?? h("p", { class: "empty", text: t("dashboard.empty") })),
    (error) => {
      section.dataset.state = error.status === 403 ? "not-available" : "error";
      clear(body, error.status === 403
        ? h("p", { class: "muted not-available", text: t("dashboard.not_for_role") })
        : h("p", { class: "form-error", role: "alert", text: message(error) }));
    }).finally(() => body.removeAttribute("aria-busy"));
  return { section, loaded };
}
