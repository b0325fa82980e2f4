// Errors as people expect them: a field's message next to the field (the problem+json
// `errors` of a 422), one clear sentence for the rest — a service down (503) included.
import { t } from "./i18n.js";

export function message(error) {
  const seconds = error.retryAfter || 1;
  if (error.status === 0) return t("error.network");
  if (error.status === 503 || error.status === 504) return t("error.unavailable");
  if (error.code === "login_throttled") {       // an account lock lasts minutes: say minutes
    return seconds < 90 ? t("login.throttled", { seconds })
      : t("login.throttled_minutes", { minutes: Math.ceil(seconds / 60) });
  }
  if (error.status === 429) return t("error.rate_limited", { seconds });
  if (error.status === 401) return t("error.unauthorized");
  if (error.status === 403) return t("error.forbidden");
  if (error.status === 404) return t("error.not_found");
  if (error.status === 422) return t("error.invalid");
  if (error.status === 409 && error.detail) return error.detail;   // the service's own reason
  return t("error.unexpected");
}

// { field: ["msg"] } or nested ({ "tags": {"0": [...]}}) → [[field, "msg; msg"]]
function flatten(errors, prefix = "") {
  if (Array.isArray(errors)) {
    return errors.every((item) => typeof item === "string")
      ? [[prefix, errors.join(" ")]] : errors.flatMap((item) => flatten(item, prefix));
  }
  if (errors && typeof errors === "object") {
    return Object.entries(errors).flatMap(([name, value]) => flatten(value, prefix || name));
  }
  return errors ? [[prefix, String(errors)]] : [];
}

export function clearFieldErrors(form) {
  for (const slot of form.querySelectorAll(".field-error")) slot.textContent = "";
  for (const control of form.querySelectorAll("[aria-invalid]")) control.removeAttribute("aria-invalid");
}

// Shows each field's message beside it; returns the messages no field of the form could take.
export function showFieldErrors(form, errors) {
  clearFieldErrors(form);
  const unplaced = [];
  for (const [name, text] of flatten(errors)) {
    const slot = form.querySelector(`.field-error[data-for="${CSS.escape(name)}"]`);
    if (slot) {
      slot.textContent = text;
      form.querySelector(`[name="${CSS.escape(name)}"]`)?.setAttribute("aria-invalid", "true");
    } else {
      unplaced.push(name ? `${name}: ${text}` : text);
    }
  }
  return unplaced;
}
