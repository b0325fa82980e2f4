// A campaign's results (GET /marketing/campaigns/{id}/results): the funnel as the API counts it
// — recipients, sent, delivered, opened, clicked, responded, leads, converted — each step with
// its share of the recipients, and the return: cost, cost per lead, and per attribution model
// (first / last touch) the won deals, revenue, cost per deal and ROI.
import { request } from "./api.js";
import { h, clear } from "./dom.js";
import { message } from "./errors.js";
import { label, money, t } from "./i18n.js";

const FUNNEL = [["recipients", "recipients"], ["sent", "sent"], ["delivered", "delivered"],
  ["opened", "unique_opens"], ["clicked", "unique_clicks"], ["responded", "responses"],
  ["leads", "leads"], ["converted", "converted_leads"]];

export async function renderCampaign(main, campaignId) {
  const url = `/marketing/campaigns/${encodeURIComponent(campaignId)}`;
  let campaign, results;
  try {
    [campaign, results] = await Promise.all([request(url), request(`${url}/results`)]);
  } catch (error) {
    clear(main, back(), h("p", { class: "form-error", role: "alert", text: message(error) }));
    return;
  }
  clear(main, back(), h("h1", { id: "campaign-name", text: campaign.name }),
    h("p", { class: "muted", text: [label("campaign_status", campaign.status),
                                    label("campaign_channel", campaign.channel)].join(" · ") }),
    h("div", { class: "grid even" }, funnel(results), returns(campaign, results)));
}

function back() {
  return h("p", {}, h("a", { href: "#/campaigns", text: `← ${t("campaigns.title")}` }));
}

function funnel(results) {
  // Shares of the widest step (the recipients of a mailing; an event's responses).
  const base = Math.max(0, ...FUNNEL.map(([, key]) => results[key] || 0));
  return h("section", { class: "card", "aria-labelledby": "funnel-title" },
    h("h2", { id: "funnel-title", text: t("campaign.funnel") }),
    h("table", { id: "campaign-funnel" }, h("tbody", {}, FUNNEL.map(([step, key]) => {
      const count = results[key] || 0;
      const share = base ? Math.round((count / base) * 1000) / 10 : 0;
      return h("tr", { "data-step": step },
        h("th", { scope: "row", text: t(`campaign.step_${step}`) }),
        h("td", { class: "count", text: String(count) }),
        h("td", {}, h("progress", { max: base || 1, value: count, "aria-label": t(`campaign.step_${step}`) })),
        h("td", { class: "muted", text: `${share} %` }));
    }))));
}

function returns(campaign, results) {
  const rows = [["campaign.cost", money(results.cost, results.currency)],
    ["campaign.budget", money(campaign.budget, campaign.currency)],
    ["campaign.cost_per_lead", money(results.cost_per_lead, results.currency) || "—"]];
  const models = Object.entries(results.attribution || {});
  return h("section", { class: "card", "aria-labelledby": "roi-title" },
    h("h2", { id: "roi-title", text: t("campaign.return") }),
    h("dl", { class: "details" }, rows.map(([key, value]) => [h("dt", { text: t(key) }), h("dd", { text: value })])),
    h("table", { id: "campaign-roi" },
      h("thead", {}, h("tr", {}, ["campaign.model", "campaign.won_deals", "campaign.revenue", "campaign.cac",
                                  "campaign.roi"].map((key) => h("th", { scope: "col", text: t(key) })))),
      h("tbody", {}, models.map(([model, figures]) => h("tr", { "data-model": model },
        h("th", { scope: "row", text: label("attribution", model) }),
        h("td", { text: String(figures.won_deals) }),
        h("td", { text: (figures.revenue || []).map((r) => money(r.amount, r.currency)).join(", ") || "0" }),
        h("td", { text: money(figures.cac, results.currency) || "—" }),
        h("td", { class: "roi", text: roi(figures.roi) }))))));
}

// ROI arrives as a decimal string ("1.5000": 150 %); none without a cost.
function roi(value) {
  if (value === null || value === undefined) return t("campaign.no_roi");
  return `${(Number(value) * 100).toFixed(1)} %`;
}
