// Reassigning a customer from its 360 page (manager within their team, admin: anyone — the
// service decides; a refusal is said beside the button). Reps do not see the form: the API
// would refuse them anyway.
import { request } from "./api.js";
import { h, field, navigate, options } from "./dom.js";
import { message } from "./errors.js";
import { t } from "./i18n.js";
import { user } from "./session.js";

const ASSIGNABLE = ["sales_rep", "manager", "admin"];

export async function reassignForm(customer) {
  if (!["manager", "admin"].includes(user().role)) return null;
  const people = await request("/users", { query: { limit: 100, active: true } })
    .then((page) => page.items.filter((person) => ASSIGNABLE.includes(person.role)))
    .catch(() => []);
  const owner = h("select", { name: "owner_id" },
    options(people.map((person) => [person.id, person.name]), customer.owner_id));
  const status = h("p", { class: "form-error", role: "alert", id: "reassign-status" });
  const button = h("button", { type: "submit", id: "reassign", text: t("customer.reassign") });
  const form = h("form", { id: "reassign-form", onsubmit: send },
    field(t("customer.new_owner"), owner), button, status);
  return form;

  async function send(event) {
    event.preventDefault();
    status.textContent = "";
    button.disabled = true;
    try {
      await request(`/customers/${encodeURIComponent(customer.id)}/assign`,
                    { method: "POST", body: { owner_id: owner.value } });
      navigate(location.hash);                    // read the record again, owner and timeline
    } catch (error) {
      status.textContent = message(error) + (error.status === 403 && error.detail ? ` ${error.detail}` : "");
      button.disabled = false;
    }
  }
}
