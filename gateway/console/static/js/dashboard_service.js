// The dashboard's service-desk and marketing panels (/api/v1/reports/service-desk/...,
// /reports/marketing/campaigns). Their readers are set by the API (service desk: agents,
// support managers, managers; marketing: marketers, managers); a 403 for anyone else is shown
// by the screen as "not available for your role".
import { request } from "./api.js";
import { barChart } from "./charts.js";
import { money, t } from "./i18n.js";
import { percent } from "./dashboard_sales.js";

const range = (period) => ({ from: period.from, to: period.to, granularity: "total" });
// A percentage the API already sends as one ("87.50"), shown as it came.
const shown = (value) => (value === null || value === undefined ? "—" : `${value} %`);

export async function sla(period) {
  const report = await request("/reports/service-desk/tickets", { query: range(period) });
  const row = report.rows[0];
  if (!row || !row.tickets) return null;
  const target = (key, name) => ({ label: t(key), value: Number(row.sla[name].compliance_percent || 0),
    text: shown(row.sla[name].compliance_percent),
    note: t("dashboard.met_breached", { met: row.sla[name].met, breached: row.sla[name].breached }) });
  return barChart("chart-sla", t("dashboard.sla_chart", { tickets: row.tickets }),
    [target("dashboard.first_response", "first_response"), target("dashboard.resolution", "resolution")],
    [t("dashboard.sla_target"), t("dashboard.compliance"), t("dashboard.met_breached_heading")]);
}

export async function csat(period) {
  const report = await request("/reports/service-desk/satisfaction", { query: range(period) });
  const row = report.rows[0];
  if (!row || !row.answered) return null;
  return barChart("chart-csat", t("dashboard.csat_chart", { answered: row.answered }), [
    { label: t("dashboard.csat_average"), value: Number(row.csat_average), text: String(row.csat_average) },
    { label: t("dashboard.satisfied"), value: Number(row.satisfied_percent), text: shown(row.satisfied_percent) }]);
}

// ROI per campaign, last-touch attribution: (revenue in the campaign's currency − cost) / cost.
export async function campaigns(period) {
  const report = await request("/reports/marketing/campaigns",
    { query: { from: period.from, to: period.to, limit: 20 } });
  const rows = report.rows.filter((row) => Number(row.cost) > 0);
  if (!rows.length) return null;
  return barChart("chart-roi", t("dashboard.roi_chart"), rows.map((row) => ({
    label: row.name || row.campaign_id, value: Number(row.attribution.last.roi || 0),
    text: percent(row.attribution.last.roi),
    note: t("dashboard.cost_leads", { cost: money(row.cost, row.currency), leads: row.leads }) })),
  [t("dashboard.campaign"), t("dashboard.roi"), t("dashboard.cost_leads_heading")]);
}
