import type { TrackingStatus } from "./status";

// The tracking emails: to shoppers in their order's language, to the merchant in English. Plain text plus a
// simple HTML version; every value is escaped, and links are only ever http(s).

export const EMAIL_LOCALES = ["en", "zh-CN", "ru", "es", "fr", "de", "ja"] as const;
export type EmailLocale = (typeof EMAIL_LOCALES)[number];

/** Statuses a shopper can be emailed about (pending means nothing happened yet). */
export const EMAILABLE_STATUSES = [
  "info_received",
  "in_transit",
  "out_for_delivery",
  "available_for_pickup",
  "attempt_fail",
  "delivered",
  "exception",
  "expired",
  "returning_to_sender",
] as const satisfies readonly TrackingStatus[];
export type EmailableStatus = (typeof EMAILABLE_STATUSES)[number];

interface Strings {
  label: Record<EmailableStatus, string>;
  /** The message; {order} is the order's name. */
  line: Record<EmailableStatus, string>;
  hello: string;
  carrier: string;
  trackingNumber: string;
  estimated: string;
  track: string;
  /** {shop} is the shop's name. */
  footer: string;
}

const STRINGS: Record<EmailLocale, Strings> = {
  en: {
    label: {
      info_received: "Shipping soon",
      in_transit: "On its way",
      out_for_delivery: "Out for delivery",
      available_for_pickup: "Ready for pickup",
      attempt_fail: "Delivery attempt failed",
      delivered: "Delivered",
      exception: "Delivery problem",
      expired: "Tracking expired",
      returning_to_sender: "Returning to sender",
    },
    line: {
      info_received: "Your order {order} has been packed and the carrier has its details.",
      in_transit: "Good news: your order {order} is on its way.",
      out_for_delivery: "Your order {order} is out for delivery and should arrive today.",
      available_for_pickup: "Your order {order} is ready for pickup.",
      attempt_fail: "The carrier tried to deliver your order {order} but could not. They will try again or leave a notice.",
      delivered: "Your order {order} has been delivered. We hope you enjoy it!",
      exception: "There is a problem with the delivery of your order {order}. We are looking into it.",
      expired: "The carrier has stopped updating the tracking of your order {order}.",
      returning_to_sender: "Your order {order} is on its way back to us. We will be in touch.",
    },
    hello: "Hello,",
    carrier: "Carrier",
    trackingNumber: "Tracking number",
    estimated: "Estimated delivery",
    track: "Track your parcel",
    footer: "You are receiving this email because you ordered from {shop}.",
  },
  fr: {
    label: {
      info_received: "Bientôt expédiée",
      in_transit: "En route",
      out_for_delivery: "En cours de livraison",
      available_for_pickup: "Prête à être retirée",
      attempt_fail: "Échec de livraison",
      delivered: "Livrée",
      exception: "Problème de livraison",
      expired: "Suivi expiré",
      returning_to_sender: "Retour à l'expéditeur",
    },
    line: {
      info_received: "Votre commande {order} est emballée et le transporteur a reçu ses informations.",
      in_transit: "Bonne nouvelle : votre commande {order} est en route.",
      out_for_delivery: "Votre commande {order} est en cours de livraison et devrait arriver aujourd'hui.",
      available_for_pickup: "Votre commande {order} est prête à être retirée.",
      attempt_fail: "Le transporteur n'a pas pu livrer votre commande {order}. Il fera une nouvelle tentative ou vous laissera un avis de passage.",
      delivered: "Votre commande {order} a été livrée. Nous espérons qu'elle vous plaira !",
      exception: "La livraison de votre commande {order} rencontre un problème. Nous nous en occupons.",
      expired: "Le transporteur ne met plus à jour le suivi de votre commande {order}.",
      returning_to_sender: "Votre commande {order} nous est retournée. Nous reviendrons vers vous.",
    },
    hello: "Bonjour,",
    carrier: "Transporteur",
    trackingNumber: "Numéro de suivi",
    estimated: "Livraison estimée",
    track: "Suivre mon colis",
    footer: "Vous recevez cet e-mail car vous avez passé commande chez {shop}.",
  },
  de: {
    label: {
      info_received: "Bald unterwegs",
      in_transit: "Unterwegs",
      out_for_delivery: "In Zustellung",
      available_for_pickup: "Abholbereit",
      attempt_fail: "Zustellversuch fehlgeschlagen",
      delivered: "Zugestellt",
      exception: "Problem bei der Zustellung",
      expired: "Sendungsverfolgung beendet",
      returning_to_sender: "Rücksendung an den Absender",
    },
    line: {
      info_received: "Ihre Bestellung {order} ist verpackt, und der Versanddienstleister hat die Sendungsdaten erhalten.",
      in_transit: "Gute Nachrichten: Ihre Bestellung {order} ist unterwegs.",
      out_for_delivery: "Ihre Bestellung {order} ist in Zustellung und sollte heute ankommen.",
      available_for_pickup: "Ihre Bestellung {order} liegt zur Abholung bereit.",
      attempt_fail: "Der Versanddienstleister konnte Ihre Bestellung {order} nicht zustellen. Er versucht es erneut oder hinterlässt eine Benachrichtigung.",
      delivered: "Ihre Bestellung {order} wurde zugestellt. Viel Freude damit!",
      exception: "Bei der Zustellung Ihrer Bestellung {order} gibt es ein Problem. Wir kümmern uns darum.",
      expired: "Der Versanddienstleister aktualisiert die Sendungsverfolgung Ihrer Bestellung {order} nicht mehr.",
      returning_to_sender: "Ihre Bestellung {order} wird an uns zurückgeschickt. Wir melden uns bei Ihnen.",
    },
    hello: "Hallo,",
    carrier: "Versanddienstleister",
    trackingNumber: "Sendungsnummer",
    estimated: "Voraussichtliche Zustellung",
    track: "Sendung verfolgen",
    footer: "Sie erhalten diese E-Mail, weil Sie bei {shop} bestellt haben.",
  },
  es: {
    label: {
      info_received: "Preparando el envío",
      in_transit: "En camino",
      out_for_delivery: "En reparto",
      available_for_pickup: "Listo para recoger",
      attempt_fail: "Intento de entrega fallido",
      delivered: "Entregado",
      exception: "Incidencia en la entrega",
      expired: "Seguimiento caducado",
      returning_to_sender: "Devolución al remitente",
    },
    line: {
      info_received: "Tu pedido {order} está embalado y el transportista ya tiene sus datos.",
      in_transit: "Buenas noticias: tu pedido {order} está en camino.",
      out_for_delivery: "Tu pedido {order} está en reparto y debería llegar hoy.",
      available_for_pickup: "Tu pedido {order} está listo para recoger.",
      attempt_fail: "El transportista intentó entregar tu pedido {order}, pero no pudo. Lo volverá a intentar o te dejará un aviso.",
      delivered: "Tu pedido {order} ha sido entregado. ¡Esperamos que lo disfrutes!",
      exception: "Hay una incidencia con la entrega de tu pedido {order}. Ya nos estamos ocupando.",
      expired: "El transportista ha dejado de actualizar el seguimiento de tu pedido {order}.",
      returning_to_sender: "Tu pedido {order} está volviendo a nosotros. Nos pondremos en contacto contigo.",
    },
    hello: "Hola:",
    carrier: "Transportista",
    trackingNumber: "Número de seguimiento",
    estimated: "Entrega estimada",
    track: "Seguir mi paquete",
    footer: "Recibes este correo porque hiciste un pedido en {shop}.",
  },
  ru: {
    label: {
      info_received: "Скоро отправим",
      in_transit: "В пути",
      out_for_delivery: "Передан курьеру",
      available_for_pickup: "Готов к выдаче",
      attempt_fail: "Неудачная попытка доставки",
      delivered: "Доставлен",
      exception: "Проблема с доставкой",
      expired: "Отслеживание завершено",
      returning_to_sender: "Возврат отправителю",
    },
    line: {
      info_received: "Ваш заказ {order} упакован, и перевозчик получил данные об отправлении.",
      in_transit: "Хорошие новости: ваш заказ {order} в пути.",
      out_for_delivery: "Ваш заказ {order} передан курьеру и должен прибыть сегодня.",
      available_for_pickup: "Ваш заказ {order} готов к выдаче.",
      attempt_fail: "Перевозчику не удалось доставить ваш заказ {order}. Он попробует ещё раз или оставит извещение.",
      delivered: "Ваш заказ {order} доставлен. Надеемся, он вам понравится!",
      exception: "С доставкой вашего заказа {order} возникла проблема. Мы уже разбираемся.",
      expired: "Перевозчик больше не обновляет информацию об отслеживании заказа {order}.",
      returning_to_sender: "Ваш заказ {order} возвращается к нам. Мы свяжемся с вами.",
    },
    hello: "Здравствуйте!",
    carrier: "Перевозчик",
    trackingNumber: "Трек-номер",
    estimated: "Ожидаемая доставка",
    track: "Отследить посылку",
    footer: "Вы получили это письмо, потому что сделали заказ в магазине {shop}.",
  },
  ja: {
    label: {
      info_received: "まもなく発送",
      in_transit: "配送中",
      out_for_delivery: "配達中",
      available_for_pickup: "受け取り準備完了",
      attempt_fail: "配達できませんでした",
      delivered: "配達完了",
      exception: "配送に問題が発生しました",
      expired: "追跡終了",
      returning_to_sender: "返送中",
    },
    line: {
      info_received: "ご注文 {order} の梱包が完了し、配送業者に発送情報をお送りしました。",
      in_transit: "ご注文 {order} を発送しました。現在配送中です。",
      out_for_delivery: "ご注文 {order} は配達中です。本日お届け予定です。",
      available_for_pickup: "ご注文 {order} のお受け取り準備ができました。",
      attempt_fail: "ご注文 {order} をお届けできませんでした。配送業者が再配達するか、不在票をお届けします。",
      delivered: "ご注文 {order} のお届けが完了しました。ありがとうございました。",
      exception: "ご注文 {order} の配送に問題が発生しました。現在確認しております。",
      expired: "ご注文 {order} の追跡情報の更新は終了しました。",
      returning_to_sender: "ご注文 {order} は当店に返送されています。改めてご連絡いたします。",
    },
    hello: "いつもご利用いただきありがとうございます。",
    carrier: "配送業者",
    trackingNumber: "追跡番号",
    estimated: "お届け予定日",
    track: "荷物を追跡する",
    footer: "このメールは {shop} でご注文いただいたお客様にお送りしています。",
  },
  "zh-CN": {
    label: {
      info_received: "即将发货",
      in_transit: "运输中",
      out_for_delivery: "派送中",
      available_for_pickup: "待取件",
      attempt_fail: "派送未成功",
      delivered: "已签收",
      exception: "配送异常",
      expired: "追踪已结束",
      returning_to_sender: "退回中",
    },
    line: {
      info_received: "您的订单 {order} 已打包，承运商已收到包裹信息。",
      in_transit: "好消息：您的订单 {order} 正在运输途中。",
      out_for_delivery: "您的订单 {order} 正在派送，预计今天送达。",
      available_for_pickup: "您的订单 {order} 已可取件。",
      attempt_fail: "承运商尝试派送您的订单 {order} 未成功，将再次派送或留下取件通知。",
      delivered: "您的订单 {order} 已送达，祝您使用愉快！",
      exception: "您的订单 {order} 在配送过程中出现问题，我们正在处理。",
      expired: "承运商已停止更新您的订单 {order} 的物流信息。",
      returning_to_sender: "您的订单 {order} 正在退回给我们，我们会与您联系。",
    },
    hello: "您好：",
    carrier: "承运商",
    trackingNumber: "运单号",
    estimated: "预计送达",
    track: "追踪包裹",
    footer: "您收到此邮件，是因为您在 {shop} 下了订单。",
  },
};

/** The email language for an order's customer locale: exact, then by language, else English. */
export function emailLocale(locale: string | null | undefined): EmailLocale {
  const wanted = (locale ?? "").trim().replace("_", "-").toLowerCase();
  const exact = EMAIL_LOCALES.find((l) => l.toLowerCase() === wanted);
  if (exact) return exact;
  const [language, ...rest] = wanted.split("-");
  // Simplified Chinese for zh, zh-Hans and zh-SG; Traditional readers get English rather than the wrong script.
  if (language === "zh") return rest.length === 0 || ["hans", "sg", "cn", "my"].includes(rest[0]!) ? "zh-CN" : "en";
  return EMAIL_LOCALES.find((l) => l === language) ?? "en";
}

export const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

const fill = (template: string, values: Record<string, string>) => template.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? "");

/** Only http(s) URLs become links. */
export function safeUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.toString() : null;
  } catch {
    return null;
  }
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export interface ShopperEmailInput {
  locale: EmailLocale;
  status: EmailableStatus;
  shopName: string;
  orderName: string;
  carrierName: string | null;
  trackingNumber: string | null;
  /** YYYY-MM-DD */
  estimatedDelivery: string | null;
  /** The shop's tracking page, or the carrier's. */
  trackUrl: string | null;
}

function formatDate(date: string, locale: string): string {
  const time = Date.parse(`${date}T12:00:00Z`);
  if (Number.isNaN(time)) return date;
  return new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: "UTC" }).format(time);
}

function layoutHtml(lang: string, paragraphs: string[], rows: [string, string][], link: { label: string; url: string } | null, footer: string) {
  const table = rows.length
    ? `<table role="presentation" style="border-collapse:collapse;margin:16px 0">${rows
        .map(([k, v]) => `<tr><td style="padding:4px 16px 4px 0;color:#616161">${escapeHtml(k)}</td><td style="padding:4px 0"><strong>${escapeHtml(v)}</strong></td></tr>`)
        .join("")}</table>`
    : "";
  const button = link
    ? `<p style="margin:24px 0"><a href="${escapeHtml(link.url)}" style="background:#303030;color:#ffffff;padding:10px 18px;border-radius:8px;text-decoration:none">${escapeHtml(link.label)}</a></p>`
    : "";
  return `<!doctype html><html lang="${escapeHtml(lang)}"><head><meta charset="utf-8"></head><body style="font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,sans-serif;color:#303030;max-width:560px;margin:0 auto;padding:24px">${paragraphs
    .map((p) => `<p>${escapeHtml(p)}</p>`)
    .join("")}${table}${button}<p style="color:#8a8a8a;font-size:12px">${escapeHtml(footer)}</p></body></html>`;
}

export function renderShopperEmail(input: ShopperEmailInput): RenderedEmail {
  const t = STRINGS[input.locale];
  const rows: [string, string][] = [];
  if (input.carrierName) rows.push([t.carrier, input.carrierName]);
  if (input.trackingNumber) rows.push([t.trackingNumber, input.trackingNumber]);
  if (input.estimatedDelivery && input.status !== "delivered") rows.push([t.estimated, formatDate(input.estimatedDelivery, input.locale)]);
  const line = fill(t.line[input.status], { order: input.orderName });
  const footer = fill(t.footer, { shop: input.shopName });
  const url = safeUrl(input.trackUrl);
  const text = [t.hello, "", line, "", ...rows.map(([k, v]) => `${k}: ${v}`), ...(url ? ["", `${t.track}: ${url}`] : []), "", "--", footer].join("\n");
  return {
    subject: `${input.shopName}: ${t.label[input.status]} (${input.orderName})`,
    text,
    html: layoutHtml(input.locale, [t.hello, line], rows, url ? { label: t.track, url } : null, footer),
  };
}

export interface MerchantAlertInput {
  trigger: "exception" | "late" | "stalled";
  orderName: string;
  carrierName: string | null;
  trackingNumber: string | null;
  reason: string | null;
  estimatedDelivery: string | null;
  lastEventAt: string | null;
  adminUrl: string | null;
}

// Merchants read alerts in English: the app's admin is in English too.
export function renderMerchantAlert(input: MerchantAlertInput): RenderedEmail {
  const parcel = [input.carrierName, input.trackingNumber].filter(Boolean).join(" ");
  const what =
    input.trigger === "exception"
      ? `reports a delivery problem${input.reason ? ` (${input.reason.replaceAll("_", " ")})` : ""}`
      : input.trigger === "late"
        ? `is past its expected delivery date${input.estimatedDelivery ? ` (${input.estimatedDelivery})` : ""} and not delivered`
        : "has had no carrier update for several days";
  const line = `The shipment of order ${input.orderName}${parcel ? ` (${parcel})` : ""} ${what}.`;
  const last = input.lastEventAt ? `Last carrier update: ${new Date(input.lastEventAt).toUTCString()}.` : "No carrier update yet.";
  const next = "Open Shipments in Omnistock to follow up with the carrier or the customer.";
  const url = safeUrl(input.adminUrl);
  const title = input.trigger === "exception" ? "Delivery problem" : input.trigger === "late" ? "Late shipment" : "Stalled shipment";
  return {
    subject: `${title}: ${input.orderName}`,
    text: [line, last, "", next, ...(url ? [url] : [])].join("\n"),
    html: layoutHtml("en", [line, last, next], [], url ? { label: "Open Shipments", url } : null, "Omnistock tracking alerts"),
  };
}
