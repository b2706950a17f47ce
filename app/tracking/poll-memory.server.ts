import type { TrackingProvider } from "./providers/types";

// What the poller remembers in this process, without a table:
// - pauses: a provider that answered 429 (a per-second rate limit) for a shop is not asked again for that shop
//   until the moment it named. Another process learns the same from its own 429.
// - registrations: numbers a provider was told to follow for a shop (or refused to), so each is sent at most
//   once. After a restart one may be sent again: every provider answers "already registered", which counts as
//   success, so the cost is one poll of the hourly quota.
// Kept on globalThis: Remix's server build and server/main.ts load separate copies of this module in one
// process, and the worker's memory is one for both.

interface PollMemory {
  /** "shop\nprovider" -> epoch ms until which the provider is not asked for the shop. */
  pauses: Map<string, number>;
  /** "shop\nprovider\nnumber key" -> epoch ms of the registration. */
  registrations: Map<string, number>;
}

const MEMORY = Symbol.for("omnistock.trackingPollMemory");
const memory = ((globalThis as unknown as Record<symbol, PollMemory | undefined>)[MEMORY] ??= {
  pauses: new Map(),
  registrations: new Map(),
});

const pauseKey = (shop: string, provider: TrackingProvider) => `${shop}\n${provider}`;
const registrationKey = (shop: string, provider: TrackingProvider, numberKey: string) => `${shop}\n${provider}\n${numberKey}`;

/** Asks nothing of this provider for this shop before `until` (a later pause already known stands). */
export function pauseProvider(shop: string, provider: TrackingProvider, until: Date): void {
  const key = pauseKey(shop, provider);
  memory.pauses.set(key, Math.max(memory.pauses.get(key) ?? 0, until.getTime()));
}

/** Until when this provider waits for this shop, or null when it may be asked now. */
export function pausedUntil(shop: string, provider: TrackingProvider, now: Date): Date | null {
  const key = pauseKey(shop, provider);
  const until = memory.pauses.get(key);
  if (until === undefined) return null;
  if (until <= now.getTime()) {
    memory.pauses.delete(key);
    return null;
  }
  return new Date(until);
}

export function wasRegistered(shop: string, provider: TrackingProvider, numberKey: string): boolean {
  return memory.registrations.has(registrationKey(shop, provider, numberKey));
}

export function rememberRegistration(shop: string, provider: TrackingProvider, numberKey: string, now: Date): void {
  memory.registrations.set(registrationKey(shop, provider, numberKey), now.getTime());
}

/** Forgets registrations made before `before`: parcels shipped that long ago are not polled any more. */
export function forgetRegistrationsBefore(before: Date): void {
  for (const [key, at] of memory.registrations) if (at < before.getTime()) memory.registrations.delete(key);
}
