// The sign-in form. A wrong password, a locked account (429 with its wait), an unreachable
// service: each is said in one sentence above the form; a malformed email next to its field.
import { h, clear, field, options } from "./dom.js";
import { clearFieldErrors, message, showFieldErrors } from "./errors.js";
import { LANGUAGES, language, t } from "./i18n.js";
import { signIn } from "./session.js";

export function renderLogin(main, { onSignedIn, onLanguage, reason }) {
  const email = h("input", { name: "email", type: "email", autocomplete: "username", required: true });
  const password = h("input", { name: "password", type: "password",
                                autocomplete: "current-password", required: true });
  const problem = h("p", { class: "form-error", id: "login-error", role: "alert" });
  const submit = h("button", { class: "primary", type: "submit", text: t("login.submit") });
  const form = h("form", { class: "card login", novalidate: true, onsubmit: send },
    h("h1", { text: t("login.title") }),
    reason ? h("p", { class: "muted", id: "login-reason", text: reason }) : null,
    problem,
    field(t("login.email"), email),
    field(t("login.password"), password),
    h("div", { class: "row" }, submit),
    h("p", { class: "muted", text: t("login.memory_note") }),
    h("select", { id: "login-language", "aria-label": t("header.language"),
                  onchange: (event) => onLanguage(event.target.value) },
      options(LANGUAGES, language())));
  clear(main, form);
  email.focus();

  async function send(event) {
    event.preventDefault();
    clearFieldErrors(form);
    problem.textContent = "";
    submit.disabled = true;
    try {
      await signIn(email.value.trim(), password.value);
      onSignedIn();
    } catch (error) {
      password.value = "";
      const unplaced = error.status === 422 ? showFieldErrors(form, error.errors) : [];
      problem.textContent = error.status === 401 ? t("login.failed") : message(error);
      if (unplaced.length) problem.textContent += " " + unplaced.join(" ");
      submit.disabled = false;
      (error.status === 422 ? form.querySelector("[aria-invalid]") || email : password).focus();
    }
  }
}
