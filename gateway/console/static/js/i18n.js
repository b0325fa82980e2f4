// The catalogues (../i18n/<language>/*.json, served merged as <language>.json) hold every visible string; t("key", {name}) fills
// {name} placeholders. The chosen language is remembered in localStorage — the language only,
// never a token.
const STORAGE_KEY = "crm.console.language";
export const LANGUAGES = [["en", "English"], ["zh-CN", "简体中文"]];

let current = "en";
let catalogue = {};

export function preferred() {
  let stored = null;
  try { stored = localStorage.getItem(STORAGE_KEY); } catch { /* storage off: not remembered */ }
  if (LANGUAGES.some(([code]) => code === stored)) return stored;
  return (navigator.language || "").toLowerCase().startsWith("zh") ? "zh-CN" : "en";
}

export async function use(language) {
  const response = await fetch(`/console/i18n/${language}.json`, { credentials: "omit" });
  if (!response.ok) throw new Error(`no catalogue for ${language}`);
  catalogue = await response.json();
  current = language;
  document.documentElement.lang = language;
  document.title = t("app.title");
  try { localStorage.setItem(STORAGE_KEY, language); } catch { /* not remembered */ }
}

export function language() {
  return current;
}

export function t(key, params = {}) {
  const text = catalogue[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? params[name] : whole));
}

// A label from the catalogue when it has one (`stage.lead`), else the value itself.
export function label(prefix, value) {
  if (value === null || value === undefined || value === "") return "";
  const key = `${prefix}.${value}`;
  return key in catalogue ? catalogue[key] : String(value);
}

export function dateTime(iso) {
  if (!iso) return "";
  return new Intl.DateTimeFormat(current, { dateStyle: "medium", timeStyle: "short" })
    .format(new Date(iso));
}

export function money(amount, currency) {
  if (amount === null || amount === undefined) return "";
  // Amounts arrive as exact decimal strings; shown as the API sent them, with the currency.
  return currency ? `${amount} ${currency}` : String(amount);
}
