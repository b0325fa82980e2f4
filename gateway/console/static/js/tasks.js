// 任务 — my tasks: the open ones due by the end of today (UTC), overdue first (GET /tasks/mine),
// each marked overdue or due today in words, with "mark done" (POST /tasks/{id}/complete).
import { request } from "./api.js";
import { h, clear, navigate } from "./dom.js";
import { message } from "./errors.js";
import { dateTime, label, t } from "./i18n.js";
import { pager } from "./paging.js";

const PAGE_SIZE = 25;
let flash = "";                  // said once on the next rendering (after a task is done)

export async function renderTasks(main, params) {
  const cursor = params.get("cursor") || "";
  const status = h("p", { class: "muted", role: "status", id: "tasks-status", text: t("common.loading") });
  const body = h("tbody");
  const paging = h("div");
  const said = flash;
  flash = "";
  clear(main, h("h1", { text: t("tasks.title") }), h("p", { class: "muted", text: t("tasks.hint") }), status,
    h("table", { id: "tasks-table" }, h("thead", {}, h("tr", {},
      ["tasks.task", "tasks.kind", "tasks.due", "tasks.state", "tasks.action"]
        .map((column) => h("th", { scope: "col", text: t(column) })))), body),
    paging);
  let page;
  try {
    page = await request("/tasks/mine", { query: { cursor, limit: PAGE_SIZE } });
  } catch (error) {
    status.textContent = message(error);
    status.setAttribute("role", "alert");
    return;
  }
  status.textContent = page.items.length ? said : said || t("tasks.empty");
  body.append(...page.items.map((task) => row(task, status)));
  paging.replaceWith(pager("#/tasks", {}, cursor, page.next_cursor));
}

function row(task, status) {
  const state = task.overdue ? "overdue" : "due_today";
  const done = h("button", { type: "button", class: "done", text: t("tasks.mark_done"),
                             "aria-label": t("tasks.mark_done_named", { title: task.title }), onclick: complete });
  return h("tr", { "data-id": task.id },
    h("td", { class: "title" }, h("strong", { text: task.title }),
      task.customer_id ? h("div", {}, h("a", { href: `#/customers/${encodeURIComponent(task.customer_id)}`,
                                                text: t("tasks.customer") })) : null),
    h("td", { text: label("task_kind", task.kind) }),
    h("td", { text: dateTime(task.due_at) }),
    h("td", {}, h("span", { class: `badge task-${state}`, "data-state": state, text: t(`tasks.${state}`) })),
    h("td", {}, done));

  async function complete() {
    done.disabled = true;
    try {
      await request(`/tasks/${encodeURIComponent(task.id)}/complete`, { method: "POST" });
      flash = t("tasks.completed", { title: task.title });
      navigate(location.hash);
    } catch (error) {
      status.textContent = message(error);
      done.disabled = false;
    }
  }
}
