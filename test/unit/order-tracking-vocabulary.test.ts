import { describe, expect, it } from "vitest";
import { EXCEPTION_REASONS, PROGRESS_STEPS, progressStep, TRACKING_STATUSES } from "../../app/tracking/status";
import { progress } from "../../extensions/order-tracking/src/results";
import { EXCEPTION_REASONS as WIDGET_EXCEPTION_REASONS, SHIPMENT_STATUSES } from "../../extensions/order-tracking/src/types";

// The order-tracking widget restates the server's status vocabulary (its bundle must not import server code).
// These checks fail when one side gains, loses or renames a value the other does not, so a new status or
// reason cannot reach shoppers as an untranslated code or fall into "unknown" unnoticed.

const sorted = (values: readonly string[]) => [...values].sort();

describe("the order tracking widget speaks the server's status vocabulary", () => {
  it("knows every tracking status, and no other", () => {
    expect(sorted(SHIPMENT_STATUSES), "extensions/order-tracking/src/types.ts SHIPMENT_STATUSES vs app/tracking/status.ts TRACKING_STATUSES").toEqual(sorted(TRACKING_STATUSES));
  });

  it("knows every exception reason, and no other", () => {
    expect(sorted(WIDGET_EXCEPTION_REASONS), "extensions/order-tracking/src/types.ts EXCEPTION_REASONS vs app/tracking/status.ts EXCEPTION_REASONS").toEqual(sorted(EXCEPTION_REASONS));
  });

  it("draws the same progress bar steps, and places each status on it where the server does", () => {
    const t = (key: string) => key;
    expect(progress({ step: 0, events: [] }, t).map((s) => s.label)).toEqual(PROGRESS_STEPS.map((step) => `step_${step}`));
    // With no step from the server, the widget works out how far the events got, as mergeTimeline does.
    for (const status of TRACKING_STATUSES) {
      const steps = progress({ step: null, events: [{ at: "2026-11-20T09:00:00Z", status, description: "", location: null }] }, t);
      expect(steps.filter((s) => s.state === "done").length - 1, status).toBe(progressStep(status) ?? 0);
    }
  });
});
