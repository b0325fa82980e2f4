// Moving a deal on the pipeline board — POST /deals/{id}/stage, the service deciding what is
// allowed. Three ways to the same move: drag the card to a column (HTML5 drag and drop); on a
// focused card, ← / → for the stage before / after; or the card's own "move to" list and button
// (keyboard and screen readers). The card goes to its new column at once and back where it was
// when the service refuses, with the service's own reason said; a lost deal asks for its reason.
import { request } from "./api.js";
import { h, options } from "./dom.js";
import { clearFieldErrors, showFieldErrors } from "./errors.js";
import { refusal } from "./form_send.js";
import { money, t } from "./i18n.js";

let dragged = null;               // the card being dragged (the drop finds it here, not in dataTransfer)

export function card(deal, stage, moves, ownerName) {
  const to = h("select", { name: "stage", "aria-label": t("pipeline.move_to", { name: deal.name }) },
    options(moves.targets.map((target) => [target.key, moves.stageName(target)]), stage.key));
  const reason = h("input", { name: "lost_reason", maxlength: 500, "aria-label": t("pipeline.lost_reason") });
  const reasonField = h("div", { class: "lost-reason", hidden: true }, reason,
    h("span", { class: "field-error", "data-for": "lost_reason" }));
  const form = h("form", { class: "move", onsubmit: (event) => { event.preventDefault(); go(to.value); } },
    to, h("button", { type: "submit", text: t("pipeline.move") }), reasonField);
  const element = h("article", {
    class: "deal", tabindex: 0, draggable: "true", "data-deal": deal.id, "data-stage": stage.key,
    "aria-label": t("pipeline.card", { name: deal.name, amount: money(deal.amount, deal.currency) }),
    ondragstart: (event) => {
      dragged = { element, go };
      event.dataTransfer.setData("text/plain", deal.id);    // some browsers drag nothing without data
      event.dataTransfer.effectAllowed = "move";
    },
    ondragend: () => { dragged = null; },
    onkeydown: (event) => {
      if (event.target !== element || !["ArrowLeft", "ArrowRight"].includes(event.key)) return;
      event.preventDefault();
      const index = moves.targets.findIndex((target) => target.key === stage.key);
      const next = moves.targets[index + (event.key === "ArrowRight" ? 1 : -1)];
      if (next) go(next.key);
    },
  },
  h("strong", {},
    h("a", { href: `#/deals/${encodeURIComponent(deal.id)}`, draggable: "false", text: deal.name })),
  h("div", { text: money(deal.amount, deal.currency) }),
  deal.expected_close_date
    ? h("div", { class: "muted", text: t("pipeline.closes", { date: deal.expected_close_date }) }) : null,
  ownerName ? h("div", { class: "muted", text: ownerName }) : null,
  form);
  to.addEventListener("change", () => { reasonField.hidden = !isLost(to.value); });
  return element;

  async function go(key, into = null) {
    const target = moves.targets.find((candidate) => candidate.key === key);
    if (!target || key === stage.key) return;
    if (target.kind === "lost" && !reason.value.trim()) {    // ask first rather than be refused
      to.value = key;
      reasonField.hidden = false;
      reason.focus();
      moves.say(t("pipeline.lost_reason_needed", { name: deal.name }));
      return;
    }
    const home = element.parentElement, after = element.nextSibling;
    if (into) into.append(element);
    element.setAttribute("aria-busy", "true");
    clearFieldErrors(form);
    moves.say("");
    try {
      await request(`/deals/${encodeURIComponent(deal.id)}/stage`, { method: "POST",
        body: target.kind === "lost" ? { stage: key, lost_reason: reason.value.trim() } : { stage: key } });
      moves.moved(deal, t("pipeline.moved", { name: deal.name, stage: moves.stageName(target) }));
    } catch (error) {
      home.insertBefore(element, after);                      // back where it was
      element.removeAttribute("aria-busy");
      to.value = stage.key;
      const unplaced = error.status === 422 ? showFieldErrors(form, error.errors) : [];
      if (unplaced.length || error.status === 422) reasonField.hidden = !isLost(key);
      moves.say([refusal(error), ...unplaced].join(" "));
      element.focus();
    }
  }

  function isLost(key) {
    return moves.targets.some((target) => target.key === key && target.kind === "lost");
  }
}

export function dropZone(section, list, stage) {
  section.addEventListener("dragover", (event) => {
    if (!dragged) return;
    event.preventDefault();                                   // allows the drop
    event.dataTransfer.dropEffect = "move";
    section.classList.add("drop-here");
  });
  section.addEventListener("dragleave", () => section.classList.remove("drop-here"));
  section.addEventListener("drop", (event) => {
    event.preventDefault();
    section.classList.remove("drop-here");
    if (!dragged) return;
    const { element, go } = dragged;
    dragged = null;
    if (element.dataset.stage !== stage.key) go(stage.key, stage.kind === "lost" ? null : list);
  });
}
