// POST /api/v1/alerts/clock { offset_ms }: moves this process's alert clock (lib/alerts/clock.ts), for
// tests of rolling windows that should not wait for them. A 404 unless LUMEN_TEST_PAGES is set.

import { setTestAlertClock } from "@/lib/alerts/test-clock";
import { readAppBody } from "@/lib/api/body";
import { defineRoute, json } from "@/lib/api/route";

export const POST = defineRoute(async (request) => {
  return json(200, setTestAlertClock(await readAppBody(request)));
});
