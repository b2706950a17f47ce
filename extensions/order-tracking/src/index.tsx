import { checkForm, numberFromSearch, type Field, type Mode } from "./form";
import { pageLocale } from "./format";
import { parseMessages, translator } from "./i18n";
import { fetchTracking, trackingUrl, type Lookup } from "./request";
import { loadingView, outcomeView, type ViewContext } from "./view";

// <omnistock-order-tracking> is rendered by blocks/order-tracking.liquid with its form, results region and
// strings. The script validates the form, asks the app proxy, and renders the answer. A logged-in customer's
// recent orders, or the parcel of a ?number= link, load on their own without moving focus; a lookup the shopper
// starts moves focus to what it found.

const FIELDS: Field[] = ["order", "email", "number"];

function mount(host: HTMLElement): () => void {
  const form = host.querySelector<HTMLFormElement>("[data-ot-form]");
  const body = host.querySelector<HTMLElement>("[data-ot-body]")!;
  const live = host.querySelector<HTMLElement>("[data-ot-live]")!;
  const t = translator(parseMessages(host.querySelector("[data-ot-i18n]")?.textContent));
  const proxy = host.dataset.proxy || "";
  let last: Lookup | null = null;
  let seq = 0;

  const input = (name: Field) => host.querySelector<HTMLInputElement>(`[name="${name}"]`);
  const mode = (): Mode => (host.querySelector<HTMLInputElement>('[name="by"]:checked')?.value == "number" ? "number" : "order");

  const ctx: ViewContext = {
    t,
    lang: pageLocale(document.documentElement.lang),
    items: host.dataset.items != "0",
    retry: () => last && lookup(last, true),
  };

  /** Shows the fields of one mode; the other's are disabled, so neither tab order nor `required` sees them. */
  function showMode(next: Mode) {
    host.querySelectorAll<HTMLElement>("[data-ot-mode]").forEach((group) => {
      group.hidden = group.dataset.otMode != next;
      group.querySelectorAll("input").forEach((field) => (field.disabled = group.hidden));
    });
  }

  /** Writes each field's message into its aria-describedby slot; returns the first field in error. */
  function showErrors(errors: Partial<Record<Field, string>>): HTMLInputElement | null {
    let first: HTMLInputElement | null = null;
    for (const name of FIELDS) {
      const field = input(name);
      const slot = host.querySelector(`[data-ot-error="${name}"]`);
      const key = errors[name];
      if (slot) slot.textContent = key ? t(key) : "";
      if (!field) continue;
      if (key) field.setAttribute("aria-invalid", "true");
      else field.removeAttribute("aria-invalid");
      first = first || (key ? field : null);
    }
    return first;
  }

  async function lookup(request: Lookup, moveFocus: boolean) {
    const id = ++seq;
    last = request;
    // The results keep their height while loading, so nothing below them moves.
    body.style.minHeight = body.offsetHeight ? `${body.offsetHeight}px` : "";
    body.setAttribute("aria-busy", "true");
    body.replaceChildren(loadingView(t));
    live.textContent = t("loading");
    const outcome = await fetchTracking(trackingUrl(proxy, request));
    if (id != seq) return; // a newer lookup started, or the element left the page
    const rendered = outcomeView(outcome, request, ctx);
    body.replaceChildren(rendered.node);
    body.removeAttribute("aria-busy");
    body.style.minHeight = "";
    // Moving focus reads the heading or message; saying it as well would repeat it.
    live.textContent = moveFocus ? "" : rendered.say;
    if (moveFocus) rendered.focus.focus();
  }

  if (form) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const value = (name: Field) => input(name)?.value;
      const check = checkForm(mode(), { order: value("order"), email: value("email"), number: value("number") });
      if (check.errors) showErrors(check.errors)?.focus();
      else {
        showErrors({});
        lookup(check.lookup, true);
      }
    });
    form.addEventListener("change", (event) => {
      if ((event.target as HTMLInputElement).name == "by") {
        showMode(mode());
        showErrors({});
      }
    });
    // A message stays until the shopper changes that field.
    form.addEventListener("input", (event) => {
      const field = event.target as HTMLInputElement;
      if (field.getAttribute("aria-invalid")) {
        field.removeAttribute("aria-invalid");
        const slot = host.querySelector(`[data-ot-error="${field.name}"]`);
        if (slot) slot.textContent = "";
      }
    });
  }

  const number = numberFromSearch(location.search);
  const numberField = input("number");
  const byNumber = host.querySelector<HTMLInputElement>('[name="by"][value="number"]');
  if (number && numberField && byNumber) {
    byNumber.checked = true;
    showMode("number");
    numberField.value = number;
    lookup({ by: "number", number }, false);
  } else {
    showMode(mode()); // a browser restoring the form may have kept the other mode checked
    if (host.hasAttribute("data-customer")) lookup({ by: "customer" }, false);
  }
  return () => {
    seq = -1;
  };
}

const TAG = "omnistock-order-tracking";
const mounted = new WeakMap<HTMLElement, () => void>();
if (!customElements.get(TAG)) {
  customElements.define(
    TAG,
    class extends HTMLElement {
      connectedCallback() {
        if (!mounted.has(this)) mounted.set(this, mount(this));
      }
      disconnectedCallback() {
        mounted.get(this)!();
        mounted.delete(this);
      }
    },
  );
}
