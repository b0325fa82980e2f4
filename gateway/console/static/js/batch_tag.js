// Batch tagging on the customers list: tick rows, name a tag, POST /customers/tags. The tag
// field's own error (422 `errors.tags`) is shown beside it; success re-reads the list.
import { request } from "./api.js";
import { h, field } from "./dom.js";
import { clearFieldErrors, message, showFieldErrors } from "./errors.js";
import { t } from "./i18n.js";

export function selectBox(customer) {
  return h("input", { type: "checkbox", class: "pick", value: customer.id,
                      "aria-label": t("customers.select_row", { name: customer.name }) });
}

export function tagBar(table, tags, onTagged) {
  const input = h("input", { name: "tags", list: "known-tags", autocomplete: "off" });
  const status = h("span", { class: "muted", role: "status", id: "batch-tag-status" });
  const form = h("form", { class: "filters", id: "batch-tag", onsubmit: send },
    field(t("customers.batch_tag"), input),
    h("datalist", { id: "known-tags" }, tags.map((tag) => h("option", { value: tag.name }))),
    h("button", { type: "submit", id: "tag-selected", text: t("customers.tag_selected") }), status);
  return form;

  async function send(event) {
    event.preventDefault();
    clearFieldErrors(form);
    const ids = [...table.querySelectorAll("input.pick:checked")].map((box) => box.value);
    const tag = input.value.trim();
    if (!ids.length) {
      status.textContent = t("customers.none_selected");
      return;
    }
    try {
      await request("/customers/tags", { method: "POST", body: { customer_ids: ids, tags: [tag] } });
      onTagged(t("customers.tagged", { count: ids.length, tag }));
    } catch (error) {
      const unplaced = error.status === 422 ? showFieldErrors(form, error.errors) : [];
      status.textContent = [message(error), ...unplaced].join(" ");
    }
  }
}
