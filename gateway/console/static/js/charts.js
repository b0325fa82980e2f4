// Small charts drawn as inline SVG (no library, nothing downloaded; the CSP allows no inline
// style, so every look is a class in console.css). Each chart is a <figure>: the SVG is an
// image named by its <title> (role="img", aria-labelledby), every bar or point carries its
// number as visible text, and a data table below holds the same figures for screen readers,
// copying and tests. Values only size the shapes; the text shown is the API's own string.
import { h } from "./dom.js";
import { t } from "./i18n.js";

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 560;
const ROW = 26;                // one bar's height with its gap
const LABEL = 170;             // room for the bar labels on the left
let counter = 0;

function s(tag, attributes = {}, ...children) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null) element.setAttribute(name, String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child !== null && child !== undefined) element.append(child);
  }
  return element;
}

function text(x, y, content, className, anchor = "start") {
  return s("text", { x, y, class: className, "text-anchor": anchor }, String(content));
}

// The longest label that fits beside a bar (a CJK character is about two Latin ones wide); the
// full one is in the table and the <title>.
function short(label, room = 24) {
  const characters = [...String(label ?? "")];
  const width = (character) => (/[\u2e80-\uffff]/.test(character) ? 2 : 1);
  if (characters.reduce((sum, character) => sum + width(character), 0) <= room) return characters.join("");
  let used = 1, kept = "";                   // 1: the ellipsis
  for (const character of characters) {
    used += width(character);
    if (used > room) break;
    kept += character;
  }
  return `${kept}…`;
}

function svg(title, height, ...shapes) {
  const id = `chart-${++counter}`;
  return s("svg", { viewBox: `0 0 ${WIDTH} ${height}`, role: "img", "aria-labelledby": id,
                    class: "chart", preserveAspectRatio: "xMinYMin meet" },
           s("title", { id }, title), ...shapes);
}

// The figure: the chart, then its data table (label, shown figure, optional note).
function figure(id, title, chart, items, headings) {
  const rows = items.map((item) => h("tr", { class: item.mark ? "marked" : null },
    h("th", { scope: "row", text: item.label }), h("td", { text: item.text }),
    headings.length > 2 ? h("td", { text: item.note || "" }) : null));
  return h("figure", { class: "chart-figure", id },
    chart,
    h("details", { class: "chart-data" },
      h("summary", { text: t("dashboard.data_table") }),
      h("table", {}, h("caption", { text: title }),
        h("thead", {}, h("tr", {}, headings.map((name) => h("th", { scope: "col", text: name })))),
        h("tbody", {}, rows))));
}

function scale(items) {
  const largest = Math.max(0, ...items.map((item) => Math.abs(item.value) || 0));
  return (value) => (largest ? (Math.abs(value) || 0) / largest : 0);
}

// Horizontal bars: [{label, value (a number, for the length), text (shown), mark, note}].
export function barChart(id, title, items, headings = [t("dashboard.item"), t("dashboard.value")]) {
  const share = scale(items);
  const room = WIDTH - LABEL - 110;
  const shapes = items.map((item, index) => {
    const y = index * ROW + 4;
    const length = Math.max(1, share(item.value) * room);
    const kind = ["bar", item.value < 0 ? "negative" : "", item.mark ? "at-risk" : ""].join(" ").trim();
    return s("g", {},
      text(LABEL - 8, y + 15, short(item.label), "label", "end"),
      s("rect", { x: LABEL, y, width: length, height: ROW - 8, class: kind },
        s("title", {}, `${item.label}: ${item.text}`)),
      text(LABEL + length + 6, y + 15, item.mark ? `${item.text} ⚠` : item.text, "figure"));
  });
  return figure(id, title, svg(title, items.length * ROW + 8, shapes), items, headings);
}

// A line over periods: [{label, value, text}] in order; every point's figure written above it.
export function lineChart(id, title, points, headings = [t("dashboard.period"), t("dashboard.value")]) {
  const height = 200;
  const top = 28, bottom = height - 30, left = 20, right = WIDTH - 20;
  const share = scale(points);
  const step = points.length > 1 ? (right - left) / (points.length - 1) : 0;
  const at = points.map((point, index) => [left + (points.length > 1 ? index * step : (right - left) / 2),
                                            bottom - share(point.value) * (bottom - top)]);
  const every = Math.ceil(points.length / 12);        // at most twelve labels below the axis
  const shapes = [
    s("line", { x1: left, x2: right, y1: bottom, y2: bottom, class: "axis" }),
    s("polyline", { points: at.map(([x, y]) => `${x},${y}`).join(" "), class: "line" }),
    points.map((point, index) => s("g", {},
      s("circle", { cx: at[index][0], cy: at[index][1], r: 4, class: "point" },
        s("title", {}, `${point.label}: ${point.text}`)),
      index % every === 0 ? text(at[index][0], height - 10, point.label, "label small", "middle") : null,
      point.value ? text(at[index][0], at[index][1] - 8, point.text, "figure small", "middle") : null)),
  ];
  return figure(id, title, svg(title, height, shapes), points, headings);
}

// A funnel: centred bars narrowing with the count, each step's figure inside or beside it.
export function funnelChart(id, title, steps, headings = [t("dashboard.stage"), t("dashboard.value")]) {
  const share = scale(steps);
  const room = WIDTH - LABEL - 20;
  const middle = LABEL + room / 2;
  const shapes = steps.map((step, index) => {
    const y = index * (ROW + 4) + 4;
    const width = Math.max(2, share(step.value) * room);
    return s("g", {},
      text(LABEL - 8, y + 16, short(step.label), "label", "end"),
      s("rect", { x: middle - width / 2, y, width, height: ROW - 4, class: "bar funnel" },
        s("title", {}, `${step.label}: ${step.text}`)),
      text(middle, y + 16, step.text, width > 120 ? "figure inside" : "figure", "middle"));
  });
  return figure(id, title, svg(title, steps.length * (ROW + 4) + 8, shapes), steps, headings);
}
