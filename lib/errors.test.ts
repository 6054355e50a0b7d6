// An ApiError made by another copy of lib/errors.ts (Next.js bundles a module once per layer) is
// still recognised as one, so it answers its own status rather than a 500.
import { describe, expect, it, vi } from "vitest";
import { ApiError } from "./errors";

describe("ApiError", () => {
  it("is recognised across copies of its module, and nothing else is", async () => {
    vi.resetModules();
    // A query string makes the module loader evaluate the file again: a second copy of the class.
    const copy: string = "./errors?copy";
    const other = (await import(copy)) as typeof import("./errors");
    const fromOtherCopy: unknown = new other.ApiError("rate_limited", "Too many");
    expect(other.ApiError).not.toBe(ApiError);
    expect(fromOtherCopy instanceof ApiError).toBe(true);
    expect(new Error("plain") instanceof ApiError).toBe(false);
    expect({ code: "rate_limited" } instanceof ApiError).toBe(false);
    expect((null as unknown as object) instanceof ApiError).toBe(false);
  });
});
