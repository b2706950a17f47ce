import { databaseKind, db } from "~/db.server";
import { healthReport } from "~/health.server";

export const loader = async () => {
  const report = await healthReport(db(), databaseKind());
  return Response.json(report, {
    status: report.status === "down" ? 503 : 200,
    headers: { "Cache-Control": "no-store" },
  });
};
