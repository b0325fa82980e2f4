// A ticket's SLA badge, from GET /service-desk/tickets/{id}/sla as the service computed it at
// `as_of`: breached, paused (the clock stopped: waiting on the customer or a third party), met,
// or — for the target due soonest — warning (past its 75 % instant) or due. Colour and words:
// the state is said in text, the colour only repeats it.
import { h } from "./dom.js";
import { dateTime, t } from "./i18n.js";

const TARGETS = ["first_response", "resolution", "update"];

export function slaState(sla) {
  if (!sla) return { state: "none" };
  if (sla.breached) return { state: "breached" };
  if (sla.paused) return { state: "paused" };
  const running = TARGETS.map((name) => sla[name])
    .filter((target) => target && target.status === "running" && target.due_at)
    .sort((a, b) => Date.parse(a.due_at) - Date.parse(b.due_at));
  if (!running.length) return { state: sla.fulfilled ? "met" : "none" };
  const next = running[0];
  const asOf = Date.parse(sla.as_of);
  return { state: next.warn_at && asOf >= Date.parse(next.warn_at) ? "warning" : "due", due: next.due_at };
}

export function slaBadge(sla) {
  const { state, due } = slaState(sla);
  const words = due ? t(`sla.${state}_at`, { time: dateTime(due) }) : t(`sla.${state}`);
  return h("span", { class: `badge sla-${state}`, "data-sla": state, text: words });
}

// The targets one by one (ticket page): allowed, due, status.
export function slaTargets(sla) {
  if (!sla) return h("p", { class: "muted", text: t("sla.none") });
  return h("dl", { class: "details", id: "sla-targets" }, TARGETS.filter((name) => sla[name]).map((name) => [
    h("dt", { text: t(`sla.target_${name}`) }),
    h("dd", { text: [t(`sla.status_${sla[name].status}`),
                     sla[name].due_at ? t("sla.due_at", { time: dateTime(sla[name].due_at) }) : ""]
      .filter(Boolean).join(" · ") })]));
}
