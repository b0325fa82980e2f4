// The segment builder (客户细分): conditions that must all hold (field, operator, value), saved as
// a dynamic segment (POST the first time, PATCH after) and its member count read back while the
// service evaluates the contacts — the count moves until the evaluation is ready. The rules'
// errors (422, by position) are said next to the builder; nothing is counted then.
import { request } from "./api.js";
import { h, clear, field } from "./dom.js";
import { message } from "./errors.js";
import { label, t } from "./i18n.js";

const KINDS = { text: ["name", "email", "role", "kind", "customer_name", "customer_kind", "industry",
  "region", "lifecycle_stage", "value_class", "owner_id"], number: ["size"],
date: ["created_at", "customer_created_at", "last_interaction_at", "last_purchase_at"],
set: ["tags", "products"], money: ["lifetime_value"] };
const PRESENCE = ["empty", "not_empty"];
const OPERATORS = { text: ["eq", "neq", "in", "not_in", "contains", "starts_with", ...PRESENCE],
  number: ["eq", "neq", "gt", "gte", "lt", "lte", ...PRESENCE],
  date: ["before", "after", "within_last_days", "more_than_days_ago", ...PRESENCE],
  set: ["any", "all", "none", ...PRESENCE], money: ["eq", "gt", "gte", "lt", "lte"] };
const kindOf = (name) => Object.keys(KINDS).find((kind) => KINDS[kind].includes(name));
const POLL_MS = 400, POLL_LIMIT = 150;           // a minute at most, then the count as it stands

export function segmentBuilder() {
  let segmentId = null;
  const name = h("input", { name: "name", required: true, maxlength: 200 });
  const rows = h("div", { id: "segment-conditions" });
  const count = h("output", { id: "segment-count", "aria-live": "polite" });
  const status = h("p", { class: "muted", role: "status", id: "segment-status" });
  const form = h("form", { id: "segment-builder", onsubmit: save },
    field(t("segment.name"), name), rows,
    h("div", { class: "row" },
      h("button", { type: "button", id: "add-condition", text: t("segment.add_condition"),
                    onclick: () => rows.append(condition()) }),
      h("button", { type: "submit", class: "primary", id: "count-segment", text: t("segment.count") })),
    h("p", {}, t("segment.members"), " ", count), status);
  rows.append(condition());
  return h("section", { class: "card", "aria-labelledby": "segment-title" },
    h("h2", { id: "segment-title", text: t("segment.title") }), h("p", { class: "muted", text: t("segment.hint") }), form);

  async function save(event) {
    event.preventDefault();
    status.textContent = "";
    const body = { name: name.value.trim(), rules: [[...rows.children].map(rule)] };
    try {
      const segment = segmentId
        ? await request(`/marketing/segments/${segmentId}`, { method: "PATCH", body })
        : await request("/marketing/segments", { method: "POST", body: { ...body, kind: "dynamic" } });
      segmentId = encodeURIComponent(segment.id);
      await follow(segment);
    } catch (error) {
      status.textContent = [message(error), ...problems(error.errors)].join(" ");
    }
  }

  // The count as the evaluation goes, until it is ready.
  async function follow(segment) {
    for (let polls = 0; ; polls += 1) {
      const ready = segment.evaluation.status === "ready";
      count.textContent = String(segment.member_count);
      count.dataset.ready = String(ready);
      status.textContent = ready ? "" : t("segment.evaluating", segment.evaluation);
      if (ready || polls >= POLL_LIMIT || !form.isConnected) return;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      segment = await request(`/marketing/segments/${segmentId}`);
    }
  }
}

function condition() {
  const fieldSelect = h("select", { name: "field", "aria-label": t("segment.field") },
    Object.values(KINDS).flat().map((name) => h("option", { value: name }, label("segment_field", name))));
  const op = h("select", { name: "op", "aria-label": t("segment.operator") });
  const value = h("input", { name: "value", "aria-label": t("segment.value"), placeholder: t("segment.value_hint") });
  const ops = () => clear(op, OPERATORS[kindOf(fieldSelect.value)].map((name) =>
    h("option", { value: name }, label("segment_op", name))));
  fieldSelect.addEventListener("change", ops);
  ops();
  const row = h("div", { class: "filters condition" }, fieldSelect, op, value,
    h("button", { type: "button", text: t("segment.remove"), onclick: () => row.remove() }));
  return row;
}

// A row as the API takes it: lists split at commas, numbers and days as numbers, an amount
// "5000.00 EUR" as its value and currency, no value for empty / not empty.
function rule(row) {
  const [name, op, raw] = ["field", "op", "value"].map((key) => row.querySelector(`[name=${key}]`).value);
  const kind = kindOf(name), text = raw.trim();
  if (PRESENCE.includes(op)) return { field: name, op };
  if (kind === "set" || op === "in" || op === "not_in") {
    return { field: name, op, value: text.split(",").map((item) => item.trim()).filter(Boolean) };
  }
  if (kind === "number" || op.endsWith("_days") || op.endsWith("_days_ago")) {
    return { field: name, op, value: /^-?\d+$/.test(text) ? Number(text) : text };
  }
  if (kind === "money") {
    const [amount, currency] = text.split(/\s+/);
    return { field: name, op, value: amount, currency: (currency || "").toUpperCase() };
  }
  return { field: name, op, value: text };
}

// {rules: {0: {1: {value: ["…"]}}}} → ["value: …"], the condition's place being its row.
function problems(errors, name = "") {
  if (!errors) return [];
  if (Array.isArray(errors)) return errors.map((text) => (name ? `${name}: ${text}` : text));
  return Object.entries(errors).flatMap(([key, value]) => problems(value, /^\d+$/.test(key) ? name : key));
}
