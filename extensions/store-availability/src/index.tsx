import { coarsePosition, parsePosition } from "./format";
import { parseMessages, translator } from "./i18n";
import { availabilityUrl, fetchAvailability, nextProxyPath } from "./request";
import { announcement, summarize } from "./shops";
import { MY_SHOP_KEY, POSITION_KEY, recall, remember } from "./storage";
import { currentVariant, productScope } from "./variant";
import { updatedText, view, type WidgetActions, type WidgetState } from "./view";

// <omnistock-availability> is rendered by blocks/store-availability.liquid with its data attributes, a
// skeleton, a live region and its strings. Each element on the page runs on its own; a theme that
// re-renders its section simply connects a new element.

const MY_SHOP_EVENT = "omnistock:my-shop";

function mount(host: HTMLElement): () => void {
  const body = host.querySelector<HTMLElement>("[data-osa-body]")!;
  const live = host.querySelector<HTMLElement>("[data-osa-live]")!;
  const t = translator(parseMessages(host.querySelector("[data-osa-i18n]")?.textContent));
  const { settings = "", sig = "" } = host.dataset;
  let proxy = host.dataset.proxy || "";
  const scope = productScope(host);
  const lang = document.documentElement.lang || undefined;
  let state: WidgetState = {
    variant: host.dataset.variant || "",
    data: null,
    dataVariant: null,
    failed: false,
    myShop: recall("localStorage", MY_SHOP_KEY),
    position: parsePosition(recall("sessionStorage", POSITION_KEY)),
    locating: false,
    note: "",
    rows: +(new URLSearchParams(settings).get("n") || 5),
  };
  let etag: string | null = null;
  let etagUrl = "";
  let seq = 0;
  let timer = 0;
  const cleanups: (() => void)[] = [];
  const listen = (target: EventTarget, type: string, listener: (event: Event) => void, capture = false) => {
    target.addEventListener(type, listener, capture);
    cleanups.push(() => target.removeEventListener(type, listener, capture));
  };
  const visible = () => document.visibilityState == "visible";
  const say = (text: string | null) => {
    if (text) live.textContent = text;
  };

  const actions: WidgetActions = {
    retry() {
      update({ failed: false });
      load();
    },
    choose(shopId) {
      remember("localStorage", MY_SHOP_KEY, shopId);
      // Every widget on the page follows (other tabs learn it from the storage event).
      document.dispatchEvent(new CustomEvent(MY_SHOP_EVENT, { detail: shopId }));
    },
    locate() {
      if (state.locating) return;
      update({ locating: true, note: "" });
      navigator.geolocation.getCurrentPosition(
        ({ coords }) => {
          const position = coarsePosition(coords.latitude, coords.longitude);
          remember("sessionStorage", POSITION_KEY, position.join(","));
          update({ position, locating: false });
          load();
        },
        () => {
          const note = t("location_error");
          say(note);
          update({ locating: false, note });
        },
        { maximumAge: 6e5, timeout: 15e3 },
      );
    },
  };
  const ctx = { t, actions, lang, canLocate: "geolocation" in navigator };

  const byKey = (key: string | undefined) => [...body.querySelectorAll<HTMLElement>("[data-key]")].find((node) => node.dataset.key === key);

  /** Rebuilds the widget's DOM, then puts focus and open <details> back where they were. */
  function update(patch: Partial<WidgetState>) {
    state = { ...state, ...patch };
    const active = document.activeElement as HTMLElement | null;
    const focused = active && body.contains(active) ? active.dataset.key || "" : null;
    const open = [...body.querySelectorAll<HTMLElement>("details[open] > summary")].map((node) => node.dataset.key);
    body.replaceChildren(view(state, ctx));
    for (const key of open) byKey(key)?.parentElement!.setAttribute("open", "");
    if (focused != null) (byKey(focused) || body).focus();
  }

  function schedule() {
    clearTimeout(timer);
    if (visible()) timer = window.setTimeout(load, Math.max(15, state.data?.refreshSeconds || 60) * 1e3);
  }

  async function load() {
    clearTimeout(timer);
    const id = ++seq;
    const { variant } = state;
    const url = availabilityUrl(proxy, { variant, settings, sig, position: state.position });
    try {
      const result = await fetchAvailability(url, url == etagUrl ? etag : null);
      if (id != seq) return;
      if (result) {
        const { data } = result;
        const before = state.data;
        const same = state.dataVariant == variant;
        say(announcement(before && summarize(before.locations), same, data.locations, t));
        etag = result.etag;
        etagUrl = url;
        proxy = nextProxyPath(data.proxyPath, proxy);
        if (same && !state.failed && JSON.stringify([before!.quantities, before!.locations]) == JSON.stringify([data.quantities, data.locations])) {
          // Nothing a shopper sees changed: leave the list (and a screen reader's place in it) alone.
          state = { ...state, data };
          const stamp = byKey("updated");
          if (stamp) stamp.textContent = updatedText(data, ctx);
        } else update({ data, dataVariant: variant, failed: false });
      }
    } catch {
      if (id != seq) return;
      if (state.dataVariant != variant) say(t("error"));
      update({ failed: true });
    }
    schedule();
  }

  function check() {
    if (seq < 0) return; // disconnected
    const variant = currentVariant(scope, location.search);
    if (variant && variant != state.variant) {
      update({ variant });
      load();
    }
  }
  // Themes change the variant in many ways; re-reading it is cheap, so every hint triggers a check.
  const soon = () => setTimeout(check);
  listen(scope, "change", soon);
  listen(window, "popstate", soon);
  for (const type of ["variant:change", "variant:changed", "variant:update"]) listen(document, type, soon, true);
  listen(document, MY_SHOP_EVENT, (event) => update({ myShop: (event as CustomEvent<string | null>).detail }));
  listen(window, "storage", (event) => {
    if ((event as StorageEvent).key == MY_SHOP_KEY) update({ myShop: (event as StorageEvent).newValue });
  });
  listen(document, "visibilitychange", () => (visible() ? load() : clearTimeout(timer)));
  const poll = setInterval(() => visible() && check(), 500);
  cleanups.push(() => {
    clearInterval(poll);
    clearTimeout(timer);
    seq = -1;
  });

  body.tabIndex = -1; // where focus goes when the element that had it is gone (e.g. after Retry)
  update({});
  load();
  return () => cleanups.forEach((cleanup) => cleanup());
}

const TAG = "omnistock-availability";
const mounted = new WeakMap<HTMLElement, () => void>();
if (!customElements.get(TAG)) {
  customElements.define(
    TAG,
    class extends HTMLElement {
      connectedCallback() {
        if (!mounted.has(this)) mounted.set(this, mount(this));
      }
      disconnectedCallback() {
        mounted.get(this)?.();
        mounted.delete(this);
      }
    },
  );
}
