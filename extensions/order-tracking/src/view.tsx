/** @jsxImportSource ./dom */
import type { Translate } from "./i18n";
import type { Lookup, Outcome } from "./request";
import { outcomeMessage, resultsView, type EventView, type OrderView, type ShipmentView, type ViewOptions } from "./results";
import type { ShipmentStatus } from "./types";

// The results' markup. Styles live in assets/order-tracking.css; every status is said in words, icons are
// aria-hidden decoration.

export interface ViewContext extends ViewOptions {
  retry(): void;
}

export interface Rendered {
  node: Node;
  /** Where focus goes after a lookup the shopper started: the results heading, or the message. */
  focus: HTMLElement;
  /** What the live region says when focus stays put (a logged-in customer's orders loading on their own). */
  say: string;
}

/** Timeline events shown before "Show all". */
export const EVENTS_SHOWN = 5;

// 16×16 strokes.
const ICONS = {
  done: "M3 8.5 6.5 12 13 4.5",
  moving: "M2.5 8h10M9 4.5 12.5 8 9 11.5",
  pickup: "M8 14s4.5-4 4.5-7.5a4.5 4.5 0 0 0-9 0C3.5 10 8 14 8 14z",
  attention: "M8 3.5V9m0 3.5v.01",
};
const ICON_OF: Record<ShipmentStatus, keyof typeof ICONS> = {
  pending: "moving",
  info_received: "moving",
  in_transit: "moving",
  out_for_delivery: "moving",
  available_for_pickup: "pickup",
  attempt_fail: "attention",
  delivered: "done",
  exception: "attention",
  expired: "attention",
  returning_to_sender: "attention",
};

let ids = 0;

function Icon(path: string) {
  return (
    <svg aria-hidden="true" viewBox="0 0 16 16" focusable="false">
      <path d={path} />
    </svg>
  );
}

function Timeline(events: EventView[], t: Translate, Heading: "h5" | "h6") {
  const id = `ot-events-${++ids}`;
  const list = (
    <ol class="ot__events" id={id}>
      {events.map((event, i) => (
        <li hidden={i >= EVENTS_SHOWN}>
          <time datetime={event.at}>{event.time}</time>
          <span>{event.text}</span>
          {event.location && <span class="ot__where">{event.location}</span>}
        </li>
      ))}
    </ol>
  ) as HTMLElement;
  const hidden = events.length - EVENTS_SHOWN;
  const toggle = (event: Event) => {
    const button = event.currentTarget as HTMLElement;
    const open = button.getAttribute("aria-expanded") != "true";
    button.setAttribute("aria-expanded", `${open}`);
    button.textContent = open ? t("show_less") : t("show_all", { count: events.length });
    [...list.children].forEach((item, i) => ((item as HTMLElement).hidden = !open && i >= EVENTS_SHOWN));
  };
  return (
    <>
      <Heading class="ot__label">{t("history")}</Heading>
      {list}
      {hidden > 0 && (
        <button type="button" class="ot__link" aria-expanded="false" aria-controls={id} onClick={toggle}>
          {t("show_all", { count: events.length })}
        </button>
      )}
    </>
  );
}

function Card(shipment: ShipmentView, t: Translate, Heading: "h4" | "h5") {
  const Sub = Heading == "h4" ? "h5" : "h6";
  const { link, pickup } = shipment;
  return (
    <article class="ot__card" data-status={shipment.status}>
      <Heading class="ot__label">{shipment.title}</Heading>
      <p class="ot__headline">
        {Icon(ICONS[ICON_OF[shipment.status]])}
        {shipment.headline}
      </p>
      {shipment.estimate && <p class="ot__estimate">{shipment.estimate}</p>}
      {shipment.explanation && <p class="ot__explain">{shipment.explanation}</p>}
      <ol class="ot__steps" aria-label={t("progress")}>
        {shipment.steps.map((step) => (
          <li class="ot__step" data-state={step.state} aria-current={step.state == "current" && "step"}>
            {step.label}
            {step.state == "done" && <span class="ot__vh"> ({t("step_done")})</span>}
          </li>
        ))}
      </ol>
      {(shipment.carrier || shipment.number) && (
        <dl class="ot__facts">
          {shipment.carrier && (
            <div>
              <dt>{t("carrier")}</dt>
              <dd>{shipment.carrier}</dd>
            </div>
          )}
          {shipment.number && (
            <div>
              <dt>{t("tracking_number")}</dt>
              <dd class="ot__number">{shipment.number}</dd>
            </div>
          )}
        </dl>
      )}
      {link && (
        <p>
          <a class="ot__link" href={link.href} target="_blank" rel="noopener noreferrer">
            {link.text}
            <span class="ot__vh"> {t("new_tab")}</span>
          </a>
        </p>
      )}
      {pickup && (
        <div class="ot__pickup">
          <p class="ot__strong">{t("pickup_at", { name: pickup.name })}</p>
          {pickup.address && <p>{pickup.address}</p>}
          {pickup.hours && <p class="ot__hours">{pickup.hours}</p>}
        </div>
      )}
      {shipment.items.length > 0 && (
        <>
          <Sub class="ot__label">{t("items")}</Sub>
          <ul class="ot__items">
            {shipment.items.map((item) => (
              <li>{item}</li>
            ))}
          </ul>
        </>
      )}
      {shipment.events.length > 0 && Timeline(shipment.events, t, Sub)}
    </article>
  );
}

function Order(order: OrderView, t: Translate, multiple: boolean) {
  const meta = [order.placed, order.destination].filter(Boolean).join(" · ");
  return (
    <section class="ot__order">
      {multiple && <h4 class="ot__label">{t("order", { name: order.name })}</h4>}
      {meta && <p class="ot__meta">{meta}</p>}
      {order.shipments.map((shipment) => Card(shipment, t, multiple ? "h5" : "h4"))}
    </section>
  );
}

/** While a lookup runs: a placeholder card (the body keeps its height, see index.tsx) and words for screen readers. */
export function loadingView(t: Translate): Node {
  return (
    <>
      <div class="ot__card ot__skeleton" aria-hidden="true" />
      <p class="ot__vh">{t("loading")}</p>
    </>
  );
}

export function outcomeView(outcome: Outcome, lookup: Lookup, ctx: ViewContext): Rendered {
  const { t } = ctx;
  const results = outcome.kind == "found" ? resultsView(outcome.orders, { ...ctx, mine: lookup.by == "customer" }) : null;
  if (results) {
    const heading = (
      <h3 class="ot__title" tabindex="-1">
        {results.heading}
      </h3>
    ) as HTMLElement;
    const multiple = results.orders.length > 1;
    return {
      node: (
        <>
          {heading}
          {results.orders.map((order) => Order(order, t, multiple))}
        </>
      ),
      focus: heading,
      say: results.heading,
    };
  }
  const say = outcomeMessage(outcome, lookup, ctx);
  const message = (
    <p class="ot__message" tabindex="-1">
      {say}
    </p>
  ) as HTMLElement;
  return {
    node: (
      <div class="ot__state" data-outcome={outcome.kind}>
        {message}
        {outcome.kind == "failed" && (
          <button type="button" class="ot__button" onClick={ctx.retry}>
            {t("retry")}
          </button>
        )}
      </div>
    ),
    focus: message,
    say,
  };
}
