// With the database unreachable, ingestion and health answer 503 with Retry-After, never 500.
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { closeDatabase } from "../db/client";

beforeAll(() => {
  // Nothing listens on port 9 (discard) on loopback: connections are refused at once.
  vi.stubEnv("DATABASE_URL", "postgresql://lumen:lumen@127.0.0.1:9/lumen");
});

afterAll(async () => {
  await closeDatabase();
  vi.unstubAllEnvs();
});

it("POST /api/v1/events answers 503 with Retry-After", async () => {
  const { POST } = await import("../../app/api/v1/events/route");
  const response = await POST(
    new Request("http://localhost/api/v1/events", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer lmw_x" },
      body: '{"name":"x"}',
    }),
    undefined,
  );
  expect(response.status).toBe(503);
  expect(response.headers.get("retry-after")).toBe("5");
  expect(await response.json()).toMatchObject({ error: { code: "unavailable" } });
});

it("GET /api/health reports the database down with 503", async () => {
  const { GET } = await import("../../app/api/health/route");
  const response = await GET(new Request("http://localhost/api/health"), undefined);
  expect(response.status).toBe(503);
  expect(await response.json()).toMatchObject({ status: "degraded", db: "down" });
});
