// 营销活动 — the campaigns (newest first, by status and channel, paged with the API's cursors),
// each opening on its results; under them the segment builder (客户细分) with its live count.
import { request } from "./api.js";
import { h, clear, field, navigate } from "./dom.js";
import { message, showFieldErrors } from "./errors.js";
import { dateTime, label, money, t } from "./i18n.js";
import { choice, hashQuery, pager } from "./paging.js";
import { segmentBuilder } from "./segment_builder.js";

const STATUSES = ["draft", "scheduled", "running", "completed", "cancelled"];
const CHANNELS = ["email", "event", "social", "ads", "other"];
const FILTERS = ["status", "channel"];

export async function renderCampaigns(main, params) {
  const filters = Object.fromEntries(FILTERS.map((name) => [name, params.get(name) || ""]));
  const cursor = params.get("cursor") || "";
  const form = h("form", { class: "filters", id: "campaign-filters", role: "search", onsubmit: apply },
    field(t("campaigns.status"), choice("status", STATUSES.map((s) => [s, label("campaign_status", s)]), filters.status)),
    field(t("campaigns.channel"), choice("channel", CHANNELS.map((c) => [c, label("campaign_channel", c)]),
                                         filters.channel)),
    h("button", { class: "primary", type: "submit", text: t("common.apply") }));
  const status = h("p", { class: "muted", role: "status", id: "campaigns-status", text: t("common.loading") });
  const body = h("tbody");
  const paging = h("div");
  clear(main, h("h1", { text: t("campaigns.title") }), form, status,
    h("table", { id: "campaigns-table" }, h("thead", {}, h("tr", {},
      ["campaigns.name", "campaigns.status", "campaigns.channel", "campaigns.budget", "campaigns.cost",
       "campaigns.starts"].map((column) => h("th", { scope: "col", text: t(column) })))), body),
    paging, segmentBuilder());
  let page;
  try {
    page = await request("/marketing/campaigns", { query: { ...filters, cursor, limit: 25 } });
  } catch (error) {
    const unplaced = error.status === 422 ? showFieldErrors(form, error.errors) : [];
    status.textContent = [message(error), ...unplaced].join(" ");
    status.setAttribute("role", "alert");
    return;
  }
  status.textContent = page.items.length ? "" : t("campaigns.empty");
  body.append(...page.items.map((campaign) => h("tr", { "data-id": campaign.id },
    h("td", { class: "name" }, h("a", { href: `#/campaigns/${encodeURIComponent(campaign.id)}`, text: campaign.name })),
    h("td", { text: label("campaign_status", campaign.status) }),
    h("td", { text: label("campaign_channel", campaign.channel) }),
    h("td", { text: money(campaign.budget, campaign.currency) }),
    h("td", { text: money(campaign.cost_total, campaign.currency) }),
    h("td", { text: dateTime(campaign.starts_at) }))));
  paging.replaceWith(pager("#/campaigns", filters, cursor, page.next_cursor));

  function apply(event) {
    event.preventDefault();
    navigate("#/campaigns" + hashQuery(Object.fromEntries(new FormData(form))));
  }
}
