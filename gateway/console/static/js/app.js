// The console's start and its router: routes live in the URL fragment (#/customers,
// #/customers/<id>), so the gateway serves one page and a reload keeps the place — after
// signing in again, since the token is kept in memory only (js/api.js).
import { onUnauthorized } from "./api.js";
import { clear, h } from "./dom.js";
import { message } from "./errors.js";
import { renderCustomer } from "./customer.js";
import { renderCustomers } from "./customers.js";
import { renderDeal } from "./deal.js";
import { renderLead } from "./lead.js";
import { renderLeads } from "./leads.js";
import { renderNewCustomer } from "./customer_new.js";
import { renderDashboard } from "./dashboard.js";
import { DESK_ROUTES } from "./desk.js";
import { renderHeader } from "./header.js";
import { preferred, t, use } from "./i18n.js";
import { renderLogin } from "./login.js";
import { renderPipeline } from "./pipeline.js";
import { signOut, user } from "./session.js";

const main = document.getElementById("main");
const header = document.getElementById("header");
const notice = document.getElementById("notice");
const ROUTES = [
  [/^\/dashboard\/?$/, (into, params) => renderDashboard(into, params)],
  [/^\/customers\/?$/, (into, params) => renderCustomers(into, params)],
  [/^\/customers\/new$/, (into) => renderNewCustomer(into)],
  [/^\/customers\/([^/]+)$/, (into, params, id) => renderCustomer(into, decodeURIComponent(id))],
  [/^\/pipeline\/?$/, (into, params) => renderPipeline(into, params)],
  [/^\/leads\/?$/, (into, params) => renderLeads(into, params)],
  [/^\/leads\/([^/]+)$/, (into, params, id) => renderLead(into, decodeURIComponent(id))],
  [/^\/deals\/([^/]+)$/, (into, params, id) => renderDeal(into, decodeURIComponent(id))],
  ...DESK_ROUTES,
];
let reason = null;          // why the login is shown (expired, signed out), said once

function where() {
  const [path, query] = (location.hash.replace(/^#/, "") || "/dashboard").split("?");
  return { path, params: new URLSearchParams(query || "") };
}

function say(text) {
  notice.textContent = text || "";
  notice.hidden = !text;
}

async function render() {
  say("");
  if (!user()) {
    clear(header).hidden = true;
    renderLogin(main, { reason, onLanguage: switchLanguage,
                        onSignedIn: () => { reason = null; render(); } });
    return;
  }
  renderHeader(header, user(), {
    onLanguage: switchLanguage,
    onSignOut: () => { signOut(); reason = t("login.signed_out"); render(); },
  });
  const { path, params } = where();
  const found = ROUTES.map(([pattern, view]) => [path.match(pattern), view]).find(([m]) => m);
  // Each render draws into a fresh element: a slower, older render finishing late writes
  // into an element no longer on the page instead of over the newer screen.
  const screen = h("div", {}, h("p", { class: "loading", text: t("common.loading") }));
  clear(main, screen);
  if (!found) {
    clear(screen, h("p", { text: t("error.no_screen") }));
    return;
  }
  try {
    await found[1](screen, params, ...found[0].slice(1));
  } catch (error) {
    if (error.status !== 401 && screen.isConnected) say(message(error));
  }
}

async function switchLanguage(language) {
  try {
    await use(language);
  } catch (error) {
    say(message(error));
    return;
  }
  render();
}

onUnauthorized(() => {
  signOut();
  reason = t("login.expired");
  render();
});
window.addEventListener("hashchange", render);
// A catalogue that cannot be loaded falls back to English, then to the keys themselves: the
// console still starts (and says what fails) rather than staying blank.
await use(preferred()).catch(() => use("en")).catch(() => {});
render();
