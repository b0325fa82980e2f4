// The bar on every screen: the screens, who is signed in (name and role), the language.
import { deskLinks } from "./desk.js";
import { h, clear, options } from "./dom.js";
import { LANGUAGES, label, language, t } from "./i18n.js";

export function renderHeader(header, user, { onLanguage, onSignOut }) {
  const picker = h("select", { id: "language", "aria-label": t("header.language"),
                               onchange: (event) => onLanguage(event.target.value) },
                   options(LANGUAGES, language()));
  clear(header,
    h("span", { class: "brand", text: t("app.title") }),
    h("nav", { "aria-label": t("header.navigation") },
      h("a", { href: "#/dashboard", text: t("nav.dashboard") }),
      h("a", { href: "#/customers", text: t("nav.customers") }),
      h("a", { href: "#/pipeline", text: t("nav.pipeline") }),
      h("a", { href: "#/leads", text: t("nav.leads") }),
      deskLinks(user.role).map(([href, key]) => h("a", { href, text: t(key) }))),
    h("span", { class: "user", id: "current-user" },
      h("strong", { text: user.name }), " · ", h("span", { id: "current-role", text: label("role", user.role) })),
    picker,
    h("button", { type: "button", id: "sign-out", onclick: onSignOut, text: t("header.sign_out") }));
  header.hidden = false;
}
