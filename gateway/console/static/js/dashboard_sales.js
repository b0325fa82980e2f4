// The dashboard's sales panels, each from one report of /api/v1/reports/sales (scoped by the
// API: a rep's figures are their own, a manager's their team's). Money is shown as the API
// sends it, per currency — amounts in different currencies are never added.
import { request } from "./api.js";
import { barChart, funnelChart, lineChart } from "./charts.js";
import { h } from "./dom.js";
import { label, money, t } from "./i18n.js";
import { today } from "./dashboard_period.js";

const range = (period) => ({ from: period.from, to: period.to });

// A rate of 0..1 as a percentage with two decimals (0.6234 → "62.34 %").
export function percent(rate) {
  return rate === null || rate === undefined ? "—" : `${(Number(rate) * 100).toFixed(2)} %`;
}

// The currency most of the figures are in: the one charted (the others are in the totals).
function mainCurrency(byCurrency, measure) {
  return Object.entries(byCurrency || {}).sort((a, b) => b[1][measure] - a[1][measure])[0]?.[0];
}

function months(from, to) {
  const found = [];
  for (let [year, month] = from.split("-").map(Number); `${year}-${String(month).padStart(2, "0")}` <= to.slice(0, 7);
    [year, month] = month === 12 ? [year + 1, 1] : [year, month + 1]) {
    found.push(`${year}-${String(month).padStart(2, "0")}-01`);
  }
  return found;
}

export async function funnel(period) {
  const [report, stages] = await Promise.all([
    request("/reports/sales/funnel", { query: { ...range(period), group_by: "stage" } }),
    request("/pipeline/stages").catch(() => [])]);          // their order and names only
  const currency = mainCurrency(report.totals.by_currency, "count");
  if (!currency) return null;
  const order = [...stages].sort((a, b) => a.position - b.position).map((stage) => stage.key);
  const place = (key) => (order.includes(key) ? order.indexOf(key) : order.length);
  const named = (key) => {
    const text = label("dashboard_stage", key);
    return text === key ? stages.find((stage) => stage.key === key)?.name || key : text;
  };
  const steps = report.rows.filter((row) => row.currency === currency)
    .sort((a, b) => place(a.stage) - place(b.stage))
    .map((row) => ({ label: named(row.stage), value: row.count, text: String(row.count),
                     note: money(row.amount, currency) }));
  return funnelChart("chart-funnel", t("dashboard.funnel_chart", { currency }), steps,
    [t("dashboard.stage"), t("dashboard.deals"), t("dashboard.amount")]);
}

export async function revenue(period) {
  const report = await request("/reports/sales/revenue", { query: { ...range(period), granularity: "month" } });
  const totals = report.totals.by_currency || {};
  const currency = mainCurrency(totals, "won");
  const total = h("p", { class: "headline" }, `${t("dashboard.revenue_total")}: `,
    h("strong", { id: "dashboard-revenue-total", "data-won": Object.values(totals).reduce((n, c) => n + c.won, 0),
                  text: Object.entries(totals).map(([c, v]) => money(v.revenue, c)).join(" · ") || t("dashboard.none") }));
  if (!currency) return [total, h("p", { class: "empty", text: t("dashboard.empty") })];
  const rows = new Map(report.rows.filter((row) => row.currency === currency).map((row) => [row.period, row]));
  const points = months(report.period.from, report.period.to).map((month) => {
    const row = rows.get(month);
    return { label: month.slice(0, 7), value: Number(row?.revenue || 0), text: row ? money(row.revenue, currency) : "0",
             note: row ? t("dashboard.won_deals", { count: row.won }) : "" };
  });
  return [total, lineChart("chart-revenue", t("dashboard.revenue_chart", { currency }), points,
    [t("dashboard.month"), t("dashboard.revenue"), t("dashboard.deals")])];
}

export async function winRate(period) {
  const report = await request("/reports/sales/win-rate",
    { query: { ...range(period), granularity: "total", group_by: "owner_id" } });
  if (!report.rows.length) return null;
  const items = report.rows.map((row) => ({ label: row.owner_name || row.owner_id, value: row.win_rate,
    text: percent(row.win_rate), note: t("dashboard.won_of_closed", { won: row.won, closed: row.closed }) }));
  return barChart("chart-win-rate", t("dashboard.win_rate"), items,
    [t("dashboard.rep"), t("dashboard.win_rate"), t("dashboard.won_closed")]);
}

function targetName(row) {
  const who = row.scope === "company" ? t("dashboard.company") : row.scope_name || row.scope_value;
  return `${who} · ${label("dashboard_measure", row.measure)} · ${row.period_start}`;
}

// Attainment from the targets report; the at-risk mark is the sales service's own judgement
// (GET /targets: its pace), so the console repeats no rule of its own.
export async function targets(period) {
  const [report, risk] = await Promise.all([
    request("/reports/sales/targets"),
    request("/targets", { query: { limit: 100 } })
      .then((page) => new Map(page.items.map((target) => [target.id, target.pace?.at_risk === true])))
      .catch(() => new Map())]);
  const rows = report.rows.filter((row) => row.period_start <= period.to && row.period_end >= period.from);
  if (!rows.length) return null;
  const items = rows.map((row) => ({ label: targetName(row), value: row.attainment ?? 0, mark: risk.get(row.id),
    text: percent(row.attainment),
    note: `${row.attained === null ? "—" : money(row.attained, row.currency)} / ${money(row.amount, row.currency)}` +
          (risk.get(row.id) ? ` · ${t("dashboard.at_risk")}` : "") }));
  return [barChart("chart-targets", t("dashboard.targets"), items,
            [t("dashboard.target"), t("dashboard.attainment"), t("dashboard.attained_of")]),
          items.some((item) => item.mark) ? h("p", { class: "muted", text: `⚠ ${t("dashboard.at_risk")}` }) : null];
}

export async function receivables(period) {
  const asOf = period.to < today() ? period.to : today();
  const report = await request("/reports/sales/receivables", { query: { as_of: asOf, limit: 0 } });
  const charts = report.rows.filter((row) => Number(row.outstanding)).map((row) => {
    const bucket = (name, amount, count) => ({ label: name, value: Number(amount), text: money(amount, row.currency),
                                                note: count === null ? "" : t("dashboard.invoices", { count }) });
    const aging = (key) => row.aging[key] || { amount: "0", invoices: 0 };
    return barChart(`chart-receivables-${row.currency}`, t("dashboard.receivables_chart",
      { currency: row.currency, date: asOf }), [
      bucket(t("dashboard.not_due"), row.current, null),
      bucket(t("dashboard.days_1_30"), aging("1-30").amount, aging("1-30").invoices),
      bucket(t("dashboard.days_31_60"), aging("31-60").amount, aging("31-60").invoices),
      bucket(t("dashboard.days_61_90"), aging("61-90").amount, aging("61-90").invoices),
      bucket(t("dashboard.days_90_plus"), aging("90+").amount, aging("90+").invoices)],
    [t("dashboard.age"), t("dashboard.amount"), t("dashboard.invoices_heading")]);
  });
  return charts.length ? charts : null;
}
