// 满意度 — CSAT of the satisfaction surveys answered in the last 30 days (the service-desk
// satisfaction report: answered, average score 0–100, satisfied %). Its readers are support
// managers, managers, agents (their own) and admins; for anyone else the section stays away.
import { request } from "./api.js";
import { h, clear } from "./dom.js";
import { message } from "./errors.js";
import { t } from "./i18n.js";
import { user } from "./session.js";

const READERS = ["support_manager", "manager", "agent", "admin"];

export async function renderCsat(section) {
  if (!READERS.includes(user().role)) {
    section.remove();
    return;
  }
  const title = h("h2", { id: "csat-title", text: t("csat.title") });
  clear(section, title, h("p", { class: "muted", text: t("common.loading") }));
  let report;
  try {
    report = await request("/reports/service-desk/satisfaction", { query: { granularity: "total" } });
  } catch (error) {
    clear(section, title, h("p", { class: "form-error", text: message(error) }));
    return;
  }
  const total = report.rows[0];
  if (!total || !total.answered) {
    clear(section, title, h("p", { class: "empty", id: "csat-empty", text: t("csat.none") }));
    return;
  }
  clear(section, title, h("dl", { class: "details", id: "csat-figures" },
    [["csat.answered", total.answered], ["csat.average", total.csat_average],
     ["csat.satisfied", `${total.satisfied_percent} %`]]
      .map(([key, value]) => [h("dt", { text: t(key) }), h("dd", { text: String(value ?? "") })])));
}
