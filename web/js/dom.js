// Building the page without innerHTML: every text goes in through textContent, so a person's
// message is shown as the characters they sent and never runs.
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'text') node.textContent = String(value);
    else if (name === 'className') node.className = value;
    else if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// Text someone wrote (a message, a description): its own direction, as plain text.
export function person_text(tag, text, className) {
  return el(tag, { dir: 'auto', className, text: text ?? '' });
}

export function clear(node) {
  while (node.firstChild) node.firstChild.remove();
  return node;
}

// "2026-11-24T09:12:00Z" in the reader's language and zone.
export function when(iso, lang) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(lang, { dateStyle: 'medium', timeStyle: 'short' });
}
