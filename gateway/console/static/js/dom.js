// Building the page from elements, never from HTML strings: whatever a record holds is shown
// as text, so a customer named "<script>" stays a name (and the CSP would block it anyway).

export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "text") element.textContent = value;
    else if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (value === true) element.setAttribute(name, "");
    else element.setAttribute(name, value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

export function clear(element, ...children) {
  element.replaceChildren(...children.flat(Infinity).filter((child) => child));
  return element;
}

// A labelled form field with the place its error is shown (aria-describedby ties them).
export function field(label, control, hint) {
  const id = control.id || `f-${control.name}`;
  control.id = id;
  const error = h("span", { class: "field-error", id: `${id}-error`, "data-for": control.name });
  control.setAttribute("aria-describedby", error.id);
  return h("div", { class: "field" }, h("label", { for: id, text: label }), control,
           hint ? h("span", { class: "muted", text: hint }) : null, error);
}

export function options(pairs, selected) {
  return pairs.map(([value, label]) =>
    h("option", { value, selected: String(value) === String(selected ?? "") }, label));
}

// Go to a route; the same route again re-renders it (a filter applied twice reloads the list).
export function navigate(hash) {
  if (location.hash === hash) window.dispatchEvent(new HashChangeEvent("hashchange"));
  else location.hash = hash;
}
