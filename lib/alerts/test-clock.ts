// The test seam of the alert clock over HTTP: only when the test-only pages are served.
import "server-only";
import { z } from "zod";
import { getEnv } from "../env";
import { ApiError } from "../errors";
import { alertNow, setAlertClockOffset } from "./clock";

const clockSchema = z
  .object({
    offset_ms: z
      .number()
      .int()
      .min(0)
      .max(30 * 86_400_000),
  })
  .strict();

export function setTestAlertClock(body: unknown): { now: string } {
  if (!getEnv().LUMEN_TEST_PAGES) throw new ApiError("not_found", "Not found");
  setAlertClockOffset(clockSchema.parse(body).offset_ms);
  return { now: alertNow().toISOString() };
}
