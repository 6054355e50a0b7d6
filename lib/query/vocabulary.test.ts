// The words every screen uses for the query language: dimensions, their values, measures, filters.
import { describe, expect, it } from "vitest";
import {
  DIMENSION_LABELS,
  DIMENSIONS,
  dimensionLabel,
  dimensionValueLabel,
  FILTER_OP_LABELS,
  FILTER_OPS,
  filterLabel,
  KIND_LABELS,
  MEASURE_LABELS,
  MEASURE_TYPES,
  measureLabel,
  missingValueLabel,
  QUERY_KINDS,
} from "./vocabulary";

describe("dimensionLabel", () => {
  it("names built-in dimensions in people's words, acronyms included", () => {
    expect(dimensionLabel("path")).toBe("Page");
    expect(dimensionLabel("utm_source")).toBe("UTM source");
    expect(dimensionLabel("os")).toBe("OS");
    expect(dimensionLabel("device")).toBe("Device");
  });
  it("turns property paths into headings", () => {
    expect(dimensionLabel("properties.plan")).toBe("Plan");
    expect(dimensionLabel("properties.plan.tier")).toBe("Plan tier");
    expect(dimensionLabel("properties.customer_id")).toBe("Customer id");
  });
  it("has a label for every dimension, and none repeats another", () => {
    const labels = DIMENSIONS.map((d) => DIMENSION_LABELS[d]);
    expect(labels.every((label) => label && label[0] === label[0]!.toUpperCase())).toBe(true);
    expect(new Set(labels).size).toBe(labels.length);
  });
});

describe("dimensionValueLabel", () => {
  it("shows country names for codes, in the reader's language", () => {
    expect(dimensionValueLabel("country", "FR", "en-US")).toBe("France");
    expect(dimensionValueLabel("country", "DE", "de-DE")).toBe("Deutschland");
    expect(dimensionValueLabel("country", "us", "en-US")).toBe("United States");
  });
  it("keeps values it cannot name as they are", () => {
    expect(dimensionValueLabel("country", "XX", "en-US")).toBe("XX");
    expect(dimensionValueLabel("country", "France", "en-US")).toBe("France");
    expect(dimensionValueLabel("locale", "not a tag!", "en-US")).toBe("not a tag!");
    expect(dimensionValueLabel("path", "/pricing", "en-US")).toBe("/pricing");
  });
  it("names locales and capitalises device types", () => {
    expect(dimensionValueLabel("locale", "fr-FR", "en-US")).toBe("French (France)");
    expect(dimensionValueLabel("device", "desktop")).toBe("Desktop");
    expect(dimensionValueLabel("device", "smarttv")).toBe("Smart TV");
    expect(dimensionValueLabel("device", "car")).toBe("Car");
  });
  it("names the missing value for what it means", () => {
    expect(dimensionValueLabel("referrer", null)).toBe("Direct / none");
    expect(dimensionValueLabel("utm_source", null)).toBe("Direct / none");
    expect(dimensionValueLabel("country", null)).toBe("Unknown");
    expect(dimensionValueLabel("properties.plan", null)).toBe("Not set");
    expect(dimensionValueLabel("entry_page", null)).toBe("No pageview");
    expect(dimensionLabel("exit_page")).toBe("Exit page");
    expect(missingValueLabel("path")).toBe("Not set");
  });
});

describe("measures, kinds and filters", () => {
  it("has a label for every measure, kind and operator", () => {
    for (const m of MEASURE_TYPES) expect(MEASURE_LABELS[m]).toMatch(/^[A-Z]/);
    for (const k of QUERY_KINDS) expect(KIND_LABELS[k]).toMatch(/^[A-Z]/);
    for (const op of FILTER_OPS) expect(FILTER_OP_LABELS[op]).toMatch(/^[a-z]/);
  });
  it("names a property measure with its property", () => {
    expect(measureLabel({ type: "unique_users" })).toBe("Visitors");
    expect(measureLabel({ type: "avg_session_duration" })).toBe("Session duration (average)");
    expect(measureLabel({ type: "pages_per_session" })).toBe("Pages per session");
    expect(measureLabel({ type: "time_on_page" })).toBe("Time on page (average)");
    expect(measureLabel({ type: "sum", property: "properties.amount" })).toBe("Sum of amount");
  });
  it("reads a filter as a sentence, with the value as people read it", () => {
    expect(filterLabel({ field: "country", op: "equals", value: "FR" }, "en-US")).toBe("Country is France");
    expect(filterLabel({ field: "referrer", op: "is_not_set" })).toBe("Referrer is not set");
    expect(filterLabel({ field: "device", op: "in", value: ["mobile", "tablet"] })).toBe(
      "Device is one of Mobile, Tablet",
    );
    expect(filterLabel({ field: "properties.amount", op: "gt", value: 10 })).toBe("Amount is more than 10");
    expect(filterLabel({ field: "performed", op: "equals", value: "signup" })).toBe("Visitors who did signup");
    expect(filterLabel({ field: "performed", op: "not_in", value: ["a", "b"] })).toBe("Visitors who did none of a, b");
    expect(filterLabel({ field: "path", op: "matches", value: "/blog/*" })).toBe("Page matches /blog/*");
  });
  it("names goals where their names are known", () => {
    const names = { "goal-id": "Signed up" };
    expect(filterLabel({ field: "goal", op: "equals", value: "goal-id" }, "en-US", names)).toBe(
      "Visitors who completed Signed up",
    );
    expect(filterLabel({ field: "goal", op: "not_equals", value: "goal-id" }, "en-US", names)).toBe(
      "Visitors who did not complete Signed up",
    );
    expect(filterLabel({ field: "goal", op: "equals", value: "unknown" })).toBe("Visitors who completed a goal");
    expect(measureLabel({ type: "goal_conversion_rate" }, "Signed up")).toBe("Signed up: conversion rate");
    expect(measureLabel({ type: "goal_visitors" })).toBe("Visitors who completed a goal");
  });
  it("names the visitor's dimensions, their values and measures", () => {
    expect(filterLabel({ field: "visitor_type", op: "equals", value: "new" })).toBe("Visitor type is New");
    expect(filterLabel({ field: "first_referrer", op: "equals", value: "google.com" })).toBe(
      "First referrer is google.com",
    );
    expect(dimensionValueLabel("visitor_type", "returning")).toBe("Returning");
    expect(dimensionValueLabel("first_referrer", null)).toBe("Direct / none");
    expect(dimensionValueLabel("first_page", null)).toBe("Not set");
    expect(measureLabel({ type: "new_users" })).toBe("New visitors");
    expect(measureLabel({ type: "returning_users" })).toBe("Returning visitors");
  });
});
