// JSX that builds DOM nodes directly. Preact's core alone is ~4.5 KB gzipped, which leaves too little of the
// widget's 6 KB budget for the widget itself; this widget re-renders rarely (a changed answer, a click), so
// it rebuilds its list and restores focus and open <details> itself (see paint() in index.tsx).
// Files opt in with `/** @jsxImportSource ./dom */`.

export type Child = Node | string | number | boolean | null | undefined | Child[];
export type Props = { children?: Child } & Record<string, unknown>;

export declare namespace JSX {
  type Element = Node;
  interface IntrinsicElements {
    [tag: string]: Record<string, unknown>;
  }
  interface ElementChildrenAttribute {
    children: unknown;
  }
}

function append(parent: Node, child: Child): void {
  if (Array.isArray(child)) child.forEach((c) => append(parent, c));
  else if (child != null && typeof child != "boolean") parent.appendChild(typeof child == "object" ? child : document.createTextNode(String(child)));
}

/** Attributes are set as written (`class`, `aria-*`, `data-*`); `onClick` and friends become listeners. */
export function jsx(type: string | ((props: Props) => Node), props: Props): Node {
  if (typeof type == "function") return type(props);
  const node = type == "svg" || type == "path" ? document.createElementNS("http://www.w3.org/2000/svg", type) : document.createElement(type);
  for (const name in props) {
    const value = props[name];
    if (name == "children" || value == null || value === false) continue;
    if (typeof value == "function") node.addEventListener(name.slice(2).toLowerCase(), value as EventListener);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  append(node, props.children);
  return node;
}

export { jsx as jsxs };

export function Fragment(props: Props): Node {
  const fragment = document.createDocumentFragment();
  append(fragment, props.children);
  return fragment;
}
