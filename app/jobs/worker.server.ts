import type { Logger } from "../observability/logger.server";

export interface WorkerLoop {
  /** Run again now instead of waiting out the idle pause (e.g. a webhook was just stored). */
  wake(): void;
  /** Finish the current batch and stop. */
  stop(): Promise<void>;
}

export interface WorkerLoopOptions {
  name: string;
  logger: Logger;
  /** Does one batch of work and returns how many items it handled. */
  runBatch: () => Promise<number>;
  /** Pause when a batch found nothing to do. */
  idleMs?: number;
  /** Pause after a batch threw, doubling up to a minute while failures continue. */
  errorMs?: number;
}

export function startWorkerLoop(options: WorkerLoopOptions): WorkerLoop {
  const idleMs = options.idleMs ?? 500;
  const errorMs = options.errorMs ?? 1000;
  let running = true;
  let wakeUp: (() => void) | undefined;
  let stopNow: (() => void) | undefined;
  // Work that arrived while a batch ran (that batch may have looked before it was committed).
  let woken = false;
  let failures = 0;

  // Only an idle pause ends early on new work: a pause after a failure is a backoff and runs its course.
  const pause = (ms: number, wakeable = true) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeUp = undefined;
        stopNow = undefined;
        resolve();
      }
      if (wakeable) wakeUp = done;
      stopNow = done;
    });

  const finished = (async () => {
    while (running) {
      try {
        woken = false;
        const handled = await options.runBatch();
        failures = 0;
        if (handled === 0 && running && !woken) await pause(idleMs);
      } catch (error) {
        failures += 1;
        options.logger.error(`${options.name}: a batch failed; retrying`, { error, failures });
        if (running) await pause(Math.min(60_000, errorMs * 2 ** (failures - 1)), false);
      }
    }
  })();

  return {
    wake: () => {
      if (wakeUp) wakeUp();
      else woken = true;
    },
    stop: async () => {
      running = false;
      stopNow?.();
      await finished;
    },
  };
}
