import { expect, it } from "vitest";
import { clientAddress } from "./client-address";

it("takes the address the nearest trusted hop appended to X-Forwarded-For", () => {
  const headers = new Headers({ "x-forwarded-for": "6.6.6.6, 203.0.113.5, 10.0.0.2" });
  expect(clientAddress(headers, 0)).toBe("10.0.0.2");
  expect(clientAddress(headers, 1)).toBe("10.0.0.2");
  expect(clientAddress(headers, 2)).toBe("203.0.113.5");
  expect(clientAddress(headers, 5)).toBe("6.6.6.6");
  expect(clientAddress({ "x-forwarded-for": "2001:DB8::1" }, 0)).toBe("2001:db8::1");
  expect(clientAddress({}, 1)).toBeNull();
});
