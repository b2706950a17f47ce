// JSX that creates DOM nodes directly, for the widget's 6 KB gzipped budget: Preact's runtime alone takes
// about 4.5 KB of it. The widget renders on a lookup and on a click, so a virtual DOM buys it nothing; it
// rebuilds its results and keeps references to the nodes it changes (see view.tsx).
// Files opt in with `/** @jsxImportSource ./dom */`.

export type Child = Node | string | number | boolean | null | undefined | Child[];
type Props = Record<string, unknown> & { children?: Child };

export declare namespace JSX {
  type Element = Node;
  interface IntrinsicElements {
    [tag: string]: Record<string, unknown>;
  }
  interface ElementChildrenAttribute {
    children: unknown;
  }
}

const SVG = "http://www.w3.org/2000/svg";

function add(parent: Node, child: Child): void {
  if (Array.isArray(child)) for (const item of child) add(parent, item);
  else if (child != null && child !== false && child !== true) {
    parent.appendChild(typeof child == "object" ? child : document.createTextNode(`${child}`));
  }
}

/**
 * `<tag attr=value>`: attributes are set as written (`class`, `aria-*`, `datetime`); true gives an empty
 * attribute, false and null none; a function (`onClick`) becomes an event listener.
 */
export function jsx(tag: string | ((props: Props) => Node), props: Props): Node {
  if (typeof tag == "function") return tag(props);
  const node = tag == "svg" || tag == "path" ? document.createElementNS(SVG, tag) : document.createElement(tag);
  for (const name in props) {
    const value = props[name];
    if (name == "children" || value == null || value === false) continue;
    if (typeof value == "function") node.addEventListener(name.slice(2).toLowerCase(), value as EventListener);
    else node.setAttribute(name, value === true ? "" : `${value}`);
  }
  add(node, props.children);
  return node;
}

export { jsx as jsxs };

export function Fragment({ children }: Props): Node {
  const fragment = document.createDocumentFragment();
  add(fragment, children);
  return fragment;
}
