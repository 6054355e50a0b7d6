// Embed tokens: issued, customer-signed, tampered, expired, revoked and foreign tokens; and locked
// parameters that the viewer cannot widen.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMember, createTenant, type Tenant } from "../../testing/fixtures";
import { closeDatabase, getPool, getPrisma } from "../db/client";
import { eventRow } from "../ingest/event-row";
import { writeEvents } from "../ingest/write-events";
import { loadEmbedWidgets } from "./embed-data";
import { createEmbed } from "./issue";
import { signEmbedToken, verifyEmbedToken } from "./tokens";

let tenant: Tenant;
let adminId: string;
let reportId: string;
let secret: string;

/**
 * An hour ago, read over the last 24 hours: no midnight falls between the purchases and the query
 * (with "today", a run across midnight UTC found them in yesterday).
 */
function purchase(customer: string) {
  return eventRow({
    name: "purchase",
    timestamp: new Date(Date.now() - 3_600_000),
    userId: `u-${randomUUID()}`,
    properties: { customer_id: customer },
  });
}

beforeAll(async () => {
  tenant = await createTenant();
  adminId = (await createMember(tenant.organizationId, "admin")).id;
  const report = await getPrisma().report.create({
    data: {
      organizationId: tenant.organizationId,
      projectId: tenant.projectId,
      name: "Sales",
      widgets: {
        create: [
          { title: "Purchases", query: { kind: "metric", event: "purchase", compare: false }, viz: { type: "metric" } },
        ],
      },
    },
  });
  reportId = report.id;
  secret = (await getPrisma().project.findUniqueOrThrow({ where: { id: tenant.projectId } })).embedSecret;
  await writeEvents(getPool(), tenant.organizationId, tenant.projectId, [
    purchase("42"),
    purchase("42"),
    purchase("7"),
    purchase("7"),
    purchase("7"),
  ]);
});

afterAll(async () => {
  await closeDatabase();
});

const inAnHour = () => new Date(Date.now() + 3_600_000);

const value = (widgets: Awaited<ReturnType<typeof loadEmbedWidgets>>) =>
  (widgets[0]!.result as { value: number }).value;

describe("embed tokens", () => {
  it("issues a token that verifies and shows the report's data", async () => {
    const embed = await createEmbed(
      { userId: adminId },
      { report_id: reportId, params: { range: { relative: "last_24_hours" }, timezone: "UTC" } },
      "https://lumen.example",
    );
    expect(embed.url).toBe(`https://lumen.example/embed/${embed.token}`);
    expect(embed.iframe_html).toContain(embed.url);
    const verified = await verifyEmbedToken(embed.token);
    expect(verified.projectId).toBe(tenant.projectId);
    expect(value(await loadEmbedWidgets(verified))).toBe(5);
  });

  it("refuses tampered, expired, revoked and foreign tokens", async () => {
    const embed = await createEmbed({ userId: adminId }, { report_id: reportId }, "https://x");
    const [header, payload, signature] = embed.token.split(".");
    const widened = Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(payload!, "base64url").toString()),
        params: { filters: [], range: { relative: "this_year" } },
      }),
    ).toString("base64url");
    await expect(verifyEmbedToken(`${header}.${widened}.${signature}`)).rejects.toMatchObject({ reason: "invalid" });
    await expect(verifyEmbedToken("not-a-token")).rejects.toMatchObject({ reason: "invalid" });

    const expired = await signEmbedToken(
      tenant.projectId,
      secret,
      { resource: { type: "report", id: reportId }, params: { filters: [] }, editable: [] },
      new Date(Date.now() - 60_000),
    );
    await expect(verifyEmbedToken(expired)).rejects.toMatchObject({ reason: "expired" });

    await getPrisma().embedToken.update({ where: { id: embed.id }, data: { revokedAt: new Date() } });
    await expect(verifyEmbedToken(embed.token)).rejects.toMatchObject({ reason: "revoked" });

    // Signed with another project's secret, or naming another project's report: never data.
    const other = await createTenant();
    const otherSecret = (await getPrisma().project.findUniqueOrThrow({ where: { id: other.projectId } })).embedSecret;
    const foreign = await signEmbedToken(
      other.projectId,
      otherSecret,
      { resource: { type: "report", id: reportId }, params: { filters: [] }, editable: [] },
      inAnHour(),
    );
    await expect(verifyEmbedToken(foreign)).rejects.toMatchObject({ reason: "invalid" });
    const wrongKey = await signEmbedToken(
      tenant.projectId,
      otherSecret,
      { resource: { type: "report", id: reportId }, params: { filters: [] }, editable: [] },
      inAnHour(),
    );
    await expect(verifyEmbedToken(wrongKey)).rejects.toMatchObject({ reason: "invalid" });
  });

  it("keeps a customer-signed locked filter, whatever the viewer asks for", async () => {
    const token = await signEmbedToken(
      tenant.projectId,
      secret,
      {
        resource: { type: "report", id: reportId },
        params: {
          filters: [{ field: "properties.customer_id", op: "equals", value: "42" }],
          range: { relative: "last_24_hours" },
          timezone: "UTC",
        },
        editable: ["country"],
      },
      inAnHour(),
    );
    const verified = await verifyEmbedToken(token);
    expect(value(await loadEmbedWidgets(verified))).toBe(2);
    // A viewer filter on a dimension the embed does not make editable is ignored; an editable one only narrows.
    expect(value(await loadEmbedWidgets(verified, { filters: { browser: "Firefox" } }))).toBe(2);
    expect(value(await loadEmbedWidgets(verified, { filters: { country: "FR" } }))).toBe(0);
    expect(value(await loadEmbedWidgets(verified, { range: { relative: "last_90_days" }, filters: {} }))).toBe(2);
  });
});
