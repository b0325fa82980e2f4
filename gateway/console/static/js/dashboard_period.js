// The dashboard's period: from / to (local dates, both included) in the route
// (#/dashboard?from=2017-01-01&to=2017-12-31), picked as a year, a quarter of it, or any two
// dates. Without one in the route the dashboard opens on the latest year in which the user's
// scope has won deals — asked of the revenue report itself, ten years at a time (the most it
// answers at once) going back up to fifty years, so a new user of the demo data (deals of
// 2016–2017) lands on figures, not on empty charts, whatever year it is now, and is told which
// year it is.
import { request } from "./api.js";
import { h, field, navigate, options } from "./dom.js";
import { t } from "./i18n.js";

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const WINDOW_YEARS = 10;       // the reports answer at most ten years (3,660 days) at once
const WINDOWS = 5;             // so many windows looked into before saying there is nothing
const LISTED_YEARS = 11;       // the year list: this year and ten before, and the year shown
const QUARTERS = [["", "dashboard.whole_year"], ["1", "dashboard.q1"], ["2", "dashboard.q2"],
                  ["3", "dashboard.q3"], ["4", "dashboard.q4"]];

export function today() {
  return new Date().toISOString().slice(0, 10);
}

export function yearPeriod(year, quarter = "") {
  if (!quarter) return { from: `${year}-01-01`, to: `${year}-12-31` };
  const first = (Number(quarter) - 1) * 3 + 1;
  const last = new Date(Date.UTC(Number(year), first + 2, 0)).getUTCDate();
  const month = (m) => String(m).padStart(2, "0");
  return { from: `${year}-${month(first)}-01`, to: `${year}-${month(first + 2)}-${last}` };
}

// The period in the route, or the latest year with won deals (nothing: none in fifty years).
export async function choosePeriod(params) {
  const from = params.get("from"), to = params.get("to");
  if (DATE.test(from || "") && DATE.test(to || "")) return { from, to, chosen: true };
  const end = today();
  let last = end;
  for (let step = 0; step < WINDOWS; step += 1) {
    const first = Number(last.slice(0, 4)) - WINDOW_YEARS + 1;
    const latest = await latestWonYear(`${first}-01-01`, last);
    if (latest === null) break;                          // the report failed: say nothing found
    if (latest) return { ...yearPeriod(latest), found: latest };
    last = `${first - 1}-12-31`;
  }
  return { ...yearPeriod(end.slice(0, 4)), nothing: true };
}

// The latest year from..to with won deals in the user's scope: "" none, null the report failed.
function latestWonYear(from, to) {
  return request("/reports/sales/revenue", { query: { from, to, granularity: "year" } })
    .then((report) => report.rows.map((row) => row.period.slice(0, 4)).sort().pop() || "")
    .catch(() => null);
}

// Where the figures come from, said once above the charts.
export function periodNote(period) {
  if (period.found) return t("dashboard.latest_year", { year: period.found });
  if (period.nothing) return t("dashboard.no_won_deals");
  return "";
}

export function periodForm(period) {
  const thisYear = Number(today().slice(0, 4));
  const shownYear = period.from.slice(0, 4) === period.to.slice(0, 4) ? period.from.slice(0, 4) : "";
  const years = Array.from({ length: LISTED_YEARS }, (_, i) => String(thisYear - i));
  if (shownYear && !years.includes(shownYear)) {       // an older year found (or in the route)
    years.push(shownYear);
    years.sort().reverse();
  }
  const quarter = QUARTERS.find(([q]) => q && JSON.stringify(yearPeriod(shownYear, q))
    === JSON.stringify({ from: period.from, to: period.to }))?.[0] || "";
  const year = h("select", { name: "year", id: "dashboard-year" },
    options([["", t("dashboard.custom")], ...years.map((y) => [y, y])], shownYear));
  const part = h("select", { name: "quarter", id: "dashboard-quarter" },
    options(QUARTERS.map(([q, key]) => [q, t(key)]), quarter));
  const from = h("input", { type: "date", name: "from", value: period.from, required: true });
  const to = h("input", { type: "date", name: "to", value: period.to, required: true });
  const pick = () => {
    if (!year.value) return;
    const chosen = yearPeriod(year.value, part.value);
    from.value = chosen.from;
    to.value = chosen.to;
  };
  year.addEventListener("change", pick);
  part.addEventListener("change", pick);
  const form = h("form", { class: "filters", id: "dashboard-period", onsubmit: apply },
    field(t("dashboard.year"), year), field(t("dashboard.quarter"), part),
    field(t("dashboard.from"), from), field(t("dashboard.to"), to),
    h("button", { class: "primary", type: "submit", text: t("common.apply") }));
  return form;

  function apply(event) {
    event.preventDefault();
    const search = new URLSearchParams({ from: from.value, to: to.value });
    navigate(`#/dashboard?${search}`);
  }
}
