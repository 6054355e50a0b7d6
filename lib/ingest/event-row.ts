// An event row for writing straight to the events table (demo data, tests): every column empty unless given.
import { randomUUID } from "node:crypto";
import type { EventRow } from "./write-events";

export function eventRow(fields: Partial<EventRow> & Pick<EventRow, "name" | "timestamp">): EventRow {
  return {
    eventId: fields.eventId ?? randomUUID(),
    userId: null,
    anonymousId: null,
    sessionId: null,
    properties: {},
    country: null,
    path: null,
    title: null,
    referrerHost: null,
    utmSource: null,
    utmMedium: null,
    utmCampaign: null,
    utmTerm: null,
    utmContent: null,
    browser: null,
    os: null,
    deviceType: null,
    locale: null,
    appVersion: null,
    library: null,
    ...fields,
  };
}
