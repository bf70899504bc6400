// dom.js — h() builds DOM elements; every page module uses it instead of
// innerHTML, so text from customers is never parsed as markup.
//
//   h("button", { class: "btn", text: "Send", onclick: send }, child, [more])
//
// Attributes that are null, undefined or false are left out; true sets an
// empty attribute; "on…" with a function adds a listener; "html" is only
// for our own SVG constants, never for data.
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k === "html") node.innerHTML = v;
    else if (typeof v === "function" && k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c);
  return node;
}
