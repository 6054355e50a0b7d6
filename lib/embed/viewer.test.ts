// What a viewer can do with an embed, against a real PostgreSQL: editable choices only narrow the
// locks, value lists and CSV downloads keep the locks, identical choices share one feed, and the
// stream honours Last-Event-ID.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenant, type Tenant } from "../../testing/fixtures";
import { closeDatabase, getPool, getPrisma } from "../db/client";
import { eventRow } from "../ingest/event-row";
import { writeEvents } from "../ingest/write-events";
import { embedWidgetCsv } from "./embed-csv";
import { loadEmbedSnapshot, loadEmbedWidgets } from "./embed-data";
import { feedKey } from "./feed-budget";
import { listFieldValues } from "./field-values";
import type { ViewerChoices } from "./schemas";
import { embedStream } from "./stream";
import { signEmbedToken, type VerifiedEmbed, verifyEmbedToken } from "./tokens";

let tenant: Tenant;
let secret: string;
let reportId: string;
let byCountryId: string;

const HOUR = 3_600_000;

function purchase(customer: string, country: string, hoursAgo = 1) {
  return eventRow({
    name: "purchase",
    timestamp: new Date(Date.now() - hoursAgo * HOUR),
    userId: `u-${randomUUID()}`,
    country,
    properties: { customer_id: customer },
  });
}

beforeAll(async () => {
  tenant = await createTenant();
  secret = (await getPrisma().project.findUniqueOrThrow({ where: { id: tenant.projectId } })).embedSecret;
  const report = await getPrisma().report.create({
    data: {
      organizationId: tenant.organizationId,
      projectId: tenant.projectId,
      name: "Sales",
      widgets: {
        create: [
          {
            title: "Purchases",
            query: { kind: "metric", event: "purchase", compare: false },
            viz: { type: "metric" },
            gridY: 0,
          },
          {
            title: "By country",
            query: { kind: "breakdown", event: "purchase", dimension: "country" },
            viz: { type: "bar" },
            gridY: 1,
          },
        ],
      },
    },
    include: { widgets: true },
  });
  reportId = report.id;
  byCountryId = report.widgets.find((w) => w.title === "By country")!.id;
  await writeEvents(getPool(), tenant.organizationId, tenant.projectId, [
    purchase("42", "DE"),
    purchase("42", "DE"),
    purchase("42", "FR"),
    purchase("42", "DE", 72),
    purchase("7", "US"),
    purchase("7", "US"),
    purchase("7", "GB"),
  ]);
});

afterAll(async () => {
  await closeDatabase();
});

async function customerEmbed(
  extra: { downloads?: boolean; editable?: ("range" | "country" | "device")[] } = {},
): Promise<VerifiedEmbed> {
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
      editable: extra.editable ?? ["range", "country"],
      downloads: extra.downloads ?? false,
    },
    new Date(Date.now() + HOUR),
  );
  return verifyEmbedToken(token);
}

const purchases = async (embed: VerifiedEmbed, choices: ViewerChoices) =>
  ((await loadEmbedWidgets(embed, choices))[0]!.result as { value: number }).value;

describe("viewer choices", () => {
  it("narrow the locked data and never widen it", async () => {
    const embed = await customerEmbed();
    expect(await purchases(embed, { filters: {} })).toBe(3);
    expect(await purchases(embed, { filters: { country: "DE" } })).toBe(2);
    expect(await purchases(embed, { range: { relative: "last_7_days" }, filters: {} })).toBe(4);
    expect(await purchases(embed, { range: { relative: "last_7_days" }, filters: { country: "US" } })).toBe(0);
    // Not editable in this embed: ignored, even if a caller got past the API's checks.
    expect(await purchases(embed, { filters: { device: "mobile" } })).toBe(3);
    const fixedRange = await customerEmbed({ editable: ["country"] });
    expect(await purchases(fixedRange, { range: { relative: "last_7_days" }, filters: {} })).toBe(3);
  });

  it("list only the values the locks let the viewer see", async () => {
    const embed = await customerEmbed();
    expect(await listFieldValues(embed, "country", { filters: {} })).toEqual([
      { value: "DE", count: 2 },
      { value: "FR", count: 1 },
    ]);
    expect(await listFieldValues(embed, "country", { range: { relative: "last_7_days" }, filters: {} })).toEqual([
      { value: "DE", count: 3 },
      { value: "FR", count: 1 },
    ]);
    await expect(listFieldValues(embed, "browser", { filters: {} })).rejects.toMatchObject({ code: "forbidden" });
  });

  it("download as CSV only where allowed, with the same locks and choices", async () => {
    await expect(embedWidgetCsv(await customerEmbed(), byCountryId, { filters: {} })).rejects.toMatchObject({
      code: "forbidden",
    });
    const embed = await customerEmbed({ downloads: true });
    expect(await embedWidgetCsv(embed, byCountryId, { filters: {} })).toEqual({
      fileName: "by-country.csv",
      csv: "Country,Events\nDE,2\nFR,1\n",
    });
    expect((await embedWidgetCsv(embed, byCountryId, { filters: { country: "FR" } })).csv).toBe(
      "Country,Events\nFR,1\n",
    );
    await expect(embedWidgetCsv(embed, randomUUID(), { filters: {} })).rejects.toMatchObject({ code: "not_found" });
  });

  it("share one feed when they are the same, whichever token asks", async () => {
    const [a, b] = [await customerEmbed(), await customerEmbed({ editable: ["country", "range", "device"] })];
    expect(feedKey(a, { filters: { country: "DE" } })).toBe(feedKey(b, { filters: { country: "DE" } }));
    expect(feedKey(a, { filters: { country: "DE" } })).not.toBe(feedKey(a, { filters: { country: "FR" } }));
    expect(feedKey(a, { filters: {} })).not.toBe(feedKey(a, { range: { relative: "last_7_days" }, filters: {} }));
  });
});

/** Reads a stream until `done(text)` holds for all read so far, or it ends; the deadline only stops a hang. */
async function readUntil(
  stream: ReadableStream<Uint8Array>,
  done: (text: string) => boolean,
  ms = 30_000,
): Promise<string> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const deadline = Date.now() + ms;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    while (!done(text)) {
      const hang = new Promise<"hang">((resolve) => (timer = setTimeout(() => resolve("hang"), deadline - Date.now())));
      const next = await Promise.race([reader.read(), hang]);
      clearTimeout(timer);
      if (next === "hang") throw new Error(`the stream sent nothing more within ${ms} ms; so far:\n${text}`);
      if (next.done) break;
      text += decoder.decode(next.value, { stream: true });
    }
    return text;
  } finally {
    await reader.cancel();
  }
}

const dataIds = (text: string) => [...text.matchAll(/id: (\S+)\nevent: data\n/g)].map((match) => match[1]);
const hasData = (text: string) => dataIds(text).length > 0;

describe("the stream", () => {
  it("sends data versions as event ids, and nothing again to a viewer that has the current one", async () => {
    // A customer of this test's own: the purchase written below changes no other test's numbers.
    const customer = `stream-${randomUUID().slice(0, 8)}`;
    const token = await signEmbedToken(
      tenant.projectId,
      secret,
      {
        resource: { type: "report", id: reportId },
        params: {
          filters: [{ field: "properties.customer_id", op: "equals", value: customer }],
          range: { relative: "last_24_hours" },
          timezone: "UTC",
        },
        editable: ["country"],
      },
      new Date(Date.now() + HOUR),
    );
    const embed = await verifyEmbedToken(token);
    const choices: ViewerChoices = { filters: { country: "DE" } };
    const open = (lastEventId?: string) =>
      embedStream(embed, { choices, lastEventId, signal: new AbortController().signal });
    const { version } = await loadEmbedSnapshot(embed, choices);
    expect(dataIds(await readUntil(await open(), hasData))).toEqual([version]);

    // Resumed with the current version, the stream sends data again only once there is a change,
    // never the version the viewer has. (Its widgets are read one after another: a tick reading them
    // while the write lands can send a version mixing both moments, which the write's tick follows.)
    const resumed = await open(version);
    await writeEvents(getPool(), tenant.organizationId, tenant.projectId, [purchase(customer, "DE")]);
    const { version: next } = await loadEmbedSnapshot(embed, choices);
    expect(next).not.toBe(version);
    const text = await readUntil(resumed, (read) => dataIds(read).includes(next));
    expect(text).toContain("retry:");
    expect(dataIds(text)).not.toContain(version);

    expect(dataIds(await readUntil(await open("an-older-version"), hasData))).toEqual([next]);
  });

  it("says when the token expires, and ends", async () => {
    // The token is verified at the instant it was signed (verifyEmbedToken's clock): it expires
    // within a second of the real clock, which a busy machine may pass before the verification.
    const signedAt = new Date();
    const token = await signEmbedToken(
      tenant.projectId,
      secret,
      { resource: { type: "report", id: reportId } },
      new Date(signedAt.getTime() + 1000),
    );
    const text = await readUntil(
      await embedStream(await verifyEmbedToken(token, signedAt), {
        choices: { filters: {} },
        signal: new AbortController().signal,
      }),
      (read) => read.includes("event: expired"),
    );
    expect(text).toMatch(/event: data[\s\S]*event: expired/);
  });
});
