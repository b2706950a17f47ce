import { EventEmitter } from "node:events";

// The HTTP side and the in-process workers are loaded as separate module graphs (Remix's server build and
// server/main.ts), so the wake-up signal lives on globalThis.
const KEY = Symbol.for("omnistock.signals");
const globals = globalThis as unknown as Record<symbol, EventEmitter | undefined>;
const signals = (globals[KEY] ??= new EventEmitter());

export const WEBHOOK_STORED = "webhook-stored";

export function notifyWebhookStored(): void {
  signals.emit(WEBHOOK_STORED);
}

export function onWebhookStored(listener: () => void): () => void {
  signals.on(WEBHOOK_STORED, listener);
  return () => signals.off(WEBHOOK_STORED, listener);
}

export type WorkKind = "refresh" | "push";

/** Items were queued for a re-read, or listings for a push: wake the loop that does it instead of waiting. */
export function notifyWorkQueued(kind: WorkKind): void {
  signals.emit(`work:${kind}`);
}

export function onWorkQueued(kind: WorkKind, listener: () => void): () => void {
  signals.on(`work:${kind}`, listener);
  return () => signals.off(`work:${kind}`, listener);
}
