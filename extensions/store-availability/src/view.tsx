/** @jsxImportSource ./dom */
import { formatAddress, formatDistance, formatReadyIn, formatTime } from "./format";
import type { Translate } from "./i18n";
import { orderShops, statusText } from "./shops";
import type { AvailabilityResponse, Position, ShopAvailability, StockStatus } from "./types";

// The widget's markup as a function of its state. Styles live in assets/store-availability.css.
// Every focusable element has a data-key, so a re-render can put focus and open <details> back.

export interface WidgetState {
  variant: string;
  data: AvailabilityResponse | null;
  /** The variant `data` describes: a list is never shown for another variant than the one on screen. */
  dataVariant: string | null;
  failed: boolean;
  myShop: string | null;
  position: Position | null;
  locating: boolean;
  /** A short message under the list, e.g. when the browser refused the position. */
  note: string;
  /** Skeleton rows before the first answer (the block's max_shops). */
  rows: number;
}

export interface WidgetActions {
  retry(): void;
  choose(shopId: string | null): void;
  locate(): void;
}

export interface ViewContext {
  t: Translate;
  actions: WidgetActions;
  lang?: string;
  canLocate: boolean;
}

// 16×16 strokes; the status is always said in words too (icons are aria-hidden).
const ICONS: Record<StockStatus, string> = {
  in_stock: "M3 8.5 6.5 12 13 4.5",
  low_stock: "M8 3.5V9m0 3.5v.01",
  out_of_stock: "M4.5 4.5l7 7m0-7-7 7",
  transfer: "M2.5 6h10l-3-3m4 7h-10l3 3",
};

export const updatedText = (data: AvailabilityResponse, ctx: ViewContext) => ctx.t("updated", { time: formatTime(data.updatedAt, ctx.lang) });

function pickupText(pickup: ShopAvailability["pickup"], { t, lang }: ViewContext): string | false {
  if (!pickup) return false;
  if (!pickup.available) return t("pickup_unavailable");
  return pickup.readyIn ? t("pickup_ready", { time: formatReadyIn(pickup.readyIn, lang) }) : t("pickup_available");
}

function Shop(shop: ShopAvailability, state: WidgetState, quantities: boolean, ctx: ViewContext, choosing: boolean) {
  const { t } = ctx;
  const mine = shop.id === state.myShop;
  const meta = [pickupText(shop.pickup, ctx), shop.distanceKm != null && t("distance_km", { distance: formatDistance(shop.distanceKm, ctx.lang) })]
    .filter(Boolean)
    .join(" · ");
  const address = formatAddress(shop.address);
  const head = [
    <span class="osa__name">{shop.name}</span>,
    mine && " ",
    mine && <span class="osa__mine">{t("my_shop")}</span>,
  ];
  return (
    <li class="osa__shop" data-status={shop.status}>
      {/* The shop's name opens its address and opening hours. */}
      {address || shop.hours ? (
        <details class="osa__head">
          <summary data-key={`details:${shop.id}`}>
            {head}
            <span class="osa__vh">: {t("details")}</span>
          </summary>
          {address && <p>{address}</p>}
          {shop.hours && <p class="osa__hours">{shop.hours}</p>}
        </details>
      ) : (
        <p class="osa__head">{head}</p>
      )}
      <p class="osa__status">
        <svg aria-hidden="true" viewBox="0 0 16 16">
          <path d={ICONS[shop.status]} />
        </svg>
        {statusText(shop, quantities, t)}
      </p>
      <p class="osa__meta">{meta}</p>
      <div class="osa__acts">
        {(mine || choosing) && (
          <button type="button" class="osa__act" data-key={`choose:${shop.id}`} onClick={() => ctx.actions.choose(mine ? null : shop.id)}>
            {t(mine ? "change" : "set_my_shop")}
            <span class="osa__vh">: {shop.name}</span>
          </button>
        )}
      </div>
    </li>
  );
}

export function view(state: WidgetState, ctx: ViewContext): Node {
  const { t, actions } = ctx;
  const data = state.dataVariant === state.variant ? state.data : null;
  if (!data) {
    return state.failed ? (
      <div class="osa__state">
        <p>{t("error")}</p>
        <button type="button" class="osa__act" data-key="retry" onClick={actions.retry}>
          {t("retry")}
        </button>
      </div>
    ) : (
      <>
        <ul class="osa__list" aria-hidden="true">
          {Array.from({ length: state.data?.locations.length || state.rows }, () => (
            <li class="osa__shop osa__skeleton" />
          ))}
        </ul>
        <p class="osa__vh">{t("loading")}</p>
      </>
    );
  }
  if (!data.locations.length) return <p class="osa__state">{t("empty")}</p>;
  const shops = orderShops(data.locations, state.myShop);
  // Once a shop is "my shop", the others stop offering the choice until the shopper asks to change it.
  const choosing = shops[0]!.id !== state.myShop;
  return (
    <>
      <ul class="osa__list">{shops.map((shop) => Shop(shop, state, data.quantities, ctx, choosing))}</ul>
      <div class="osa__bar">
        {ctx.canLocate && (
          <button type="button" class="osa__act" data-key="locate" onClick={actions.locate} aria-disabled={state.locating && "true"}>
            {t(state.locating ? "locating" : "use_my_location")}
          </button>
        )}
        <span data-key="updated">{updatedText(data, ctx)}</span>
      </div>
      {state.note && <p class="osa__note">{state.note}</p>}
    </>
  );
}
