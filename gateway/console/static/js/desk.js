// The desk screens — tickets (工单), tasks (任务), campaigns (营销活动) — registered with the
// router (app.js) and the header's navigation (header.js), each link shown to the roles the
// API lets use the screen.
import { renderCampaign } from "./campaign.js";
import { renderCampaigns } from "./campaigns.js";
import { renderTasks } from "./tasks.js";
import { renderTicket } from "./ticket.js";
import { renderTickets } from "./tickets.js";

export const DESK_ROUTES = [
  [/^\/tickets\/?$/, (into, params) => renderTickets(into, params)],
  [/^\/tickets\/([^/]+)$/, (into, params, id) => renderTicket(into, decodeURIComponent(id))],
  [/^\/tasks\/?$/, (into, params) => renderTasks(into, params)],
  [/^\/campaigns\/?$/, (into, params) => renderCampaigns(into, params)],
  [/^\/campaigns\/([^/]+)$/, (into, params, id) => renderCampaign(into, decodeURIComponent(id))],
];

const LINKS = [
  ["#/tickets", "nav.tickets", ["agent", "support_manager", "sales_rep", "manager", "admin"]],
  ["#/tasks", "nav.tasks", ["sales_rep", "manager", "admin"]],
  ["#/campaigns", "nav.campaigns", ["marketer", "manager", "admin"]],
];

// [href, catalogue key] of the desk screens this role works with.
export function deskLinks(role) {
  return LINKS.filter(([, , roles]) => roles.includes(role)).map(([href, key]) => [href, key]);
}
