// The scrubbing rules as a table: what must be masked, and what must stay as sent.
import { describe, expect, it } from "vitest";
import { DEFAULT_SCRUB_POLICY, isCardNumber, Scrubber, type ScrubClass } from "./scrub";

const scrub = (text: string, key?: string) => new Scrubber(DEFAULT_SCRUB_POLICY).text(text, key);

// [input, expected after scrubbing]
const mustScrub: [string, string][] = [
  // email addresses, plain and percent-encoded (URLs), with sub-addresses and subdomains
  ["jane.doe@example.com", "[email]"],
  ["Contact: JANE+news@mail.example.co.uk, thanks", "Contact: [email], thanks"],
  ["/users/jane.doe%40example.com/settings", "/users/[email]/settings"],
  ["a@b.co and c_d@e-f.io", "[email] and [email]"],
  ["git@github.com:org/repo", "[email]:org/repo"],
  // payment cards: Visa, Mastercard (5x and 2x), Amex, Discover, JCB, Diners, UnionPay; grouped or not
  ["4111111111111111", "[card]"],
  ["card 4111 1111 1111 1111 exp 12/27", "card [card] exp 12/27"],
  ["5555-5555-5555-4444", "[card]"],
  ["2223003122003222", "[card]"],
  ["3782 822463 10005", "[card]"],
  ["6011111111111117", "[card]"],
  ["3530111333300000", "[card]"],
  ["30569309025904", "[card]"],
  ["6200000000000005", "[card]"],
  ["/pay?number=4242424242424242", "/pay?number=[card]"],
  // IPv4 and IPv6 addresses, with ports, in URLs and text
  ["192.168.1.20", "[ip]"],
  ["client 203.0.113.9:8443 connected", "client [ip]:8443 connected"],
  ["http://10.0.0.1/admin", "http://[ip]/admin"],
  ["ip:8.8.8.8", "ip:[ip]"],
  ["2001:db8::1", "[ip]"],
  ["from fe80::1ff:fe23:4567:890a on eth0", "from [ip] on eth0"],
  ["2001:0db8:85a3:0000:0000:8a2e:0370:7334", "[ip]"],
  ["::ffff:192.0.2.128", "[ip]"],
  ["http://[2001:db8::7]/x", "http://[[ip]]/x"],
  // phone numbers: international, national with area codes, grouped in twos, tel: links
  ["+33 6 12 34 56 78", "[phone]"],
  ["+1 (415) 555-0132", "[phone]"],
  ["+447911123456", "[phone]"],
  ["+49 30 1234567", "[phone]"],
  ["call (415) 555-0132 now", "call [phone] now"],
  ["415-555-0132", "[phone]"],
  ["415.555.0132", "[phone]"],
  ["06 12 34 56 78", "[phone]"],
  ["020 7946 0958", "[phone]"],
  ["tel:4155550132", "[phone]"],
  ["/call/+14155550132", "/call/[phone]"],
  // several kinds in one value
  ["jane@example.com from 198.51.100.7 paid with 4111111111111111", "[email] from [ip] paid with [card]"],
];

const mustNotScrub: string[] = [
  // order ids, including a 16-digit one that fails the Luhn check, and long ids without an issuer prefix
  "4111111111111112",
  "ORD-2026-000123",
  "order 1234567890123456",
  "9780306406157",
  "ISBN 978-3-16-148410-0",
  "inv_4111111111111111",
  // timestamps and dates, with times
  "1732356000000",
  "2026-11-23",
  "2026-11-23T10:00:00.000Z",
  "2026-11-23 14:30:00",
  "23/11/2026",
  "23.11.2026",
  "10:30:00",
  // prices and amounts
  "1299.99",
  "$1,299.00",
  "1 299,00 €",
  "1 234 567 890",
  "1.234.567",
  "+12.50",
  // UUIDs and hashes
  "123e4567-e89b-12d3-a456-426614174000",
  "12345678-1234-1234-1234-123456789012",
  "d41d8cd98f00b204e9800998ecf8427e",
  // versions and dotted numbers that are not addresses
  "v1.2.3.4",
  "1.2.3.4.5",
  "1.2.3",
  "999.1.1.1",
  "ab:cd:ef",
  "00:1a:2b:3c:4d:5e",
  // things with an @ that are not addresses
  "icon@2x.png",
  "@scope/package",
  "lodash@4.17.21",
  "user@localhost",
  // short numbers, counts, and words
  "12345678",
  "+33",
  "Chrome",
  "/pricing",
  "https://example.com/blog/2026/11/23/post",
  "page 2 of 10",
];

describe("scrubbing a text value", () => {
  it.each(mustScrub)("masks %j", (input, expected) => {
    expect(scrub(input)).toBe(expected);
  });

  it.each(mustNotScrub)("leaves %j as it is", (input) => {
    expect(scrub(input)).toBe(input);
  });

  it("takes a dotted quad under a version key for a version, and masks it elsewhere", () => {
    for (const key of ["version", "app_version", "osVersion", "Version"]) expect(scrub("1.2.3.4", key)).toBe("1.2.3.4");
    expect(scrub("1.2.3.4", "server")).toBe("[ip]");
    expect(scrub("1.2.3.4")).toBe("[ip]");
    // A version key excuses dotted quads only: an address written another way is still masked.
    expect(scrub("2001:db8::1", "version")).toBe("[ip]");
  });

  it("counts what it masked, by class", () => {
    const scrubber = new Scrubber(DEFAULT_SCRUB_POLICY);
    scrubber.text("a@b.co, c@d.io, 4111111111111111, +33 6 12 34 56 78, 10.1.2.3");
    expect(scrubber.counts).toEqual({ email: 2, card: 1, phone: 1, ip: 1 });
  });

  it("masks only the classes the policy keeps on", () => {
    const text = "a@b.co 4111111111111111 +33 6 12 34 56 78 10.1.2.3";
    const only = (classes: ScrubClass[]) => new Scrubber({ classes, droppedKeys: [] }).text(text);
    expect(only([])).toBe(text);
    expect(only(["email"])).toBe("[email] 4111111111111111 +33 6 12 34 56 78 10.1.2.3");
    expect(only(["card", "ip"])).toBe("a@b.co [card] +33 6 12 34 56 78 [ip]");
    expect(only(["phone"])).toBe("a@b.co 4111111111111111 [phone] 10.1.2.3");
  });
});

describe("scrubbing properties", () => {
  it("masks strings at any depth, in arrays too, and drops listed keys wherever they are", () => {
    const scrubber = new Scrubber({ ...DEFAULT_SCRUB_POLICY, droppedKeys: ["Password", "ssn"] });
    const properties = {
      plan: "pro",
      seats: 3,
      price: 1299.99,
      order_id: "4111111111111112",
      contact: { email: "jane@example.com", phones: ["+33 6 12 34 56 78", "n/a"], password: "hunter2" },
      PASSWORD: "x",
      history: [{ ssn: "078-05-1120", ip: "203.0.113.9" }],
      app_version: "1.2.3.4",
      card_number: 4111111111111111,
      count: 1732356000000,
    };
    expect(scrubber.json(properties)).toEqual({
      plan: "pro",
      seats: 3,
      price: 1299.99,
      order_id: "4111111111111112",
      contact: { email: "[email]", phones: ["[phone]", "n/a"] },
      history: [{ ip: "[ip]" }],
      app_version: "1.2.3.4",
      card_number: "[card]",
      count: 1732356000000,
    });
    expect(scrubber.counts).toEqual({ email: 1, phone: 1, ip: 1, card: 1, dropped_keys: 3 });
  });

  it("masks a host that is an address, whole", () => {
    const scrubber = new Scrubber(DEFAULT_SCRUB_POLICY);
    expect(scrubber.host("192.168.1.10")).toBe("[ip]");
    expect(scrubber.host("[2001:db8::1]")).toBe("[ip]");
    expect(scrubber.host("google.com")).toBe("google.com");
    expect(scrubber.counts).toEqual({ ip: 2 });
  });
});

describe("card numbers", () => {
  it("need an issuer's prefix and length and a valid check digit", () => {
    expect(isCardNumber("4111111111111111")).toBe(true);
    expect(isCardNumber("4111111111111112")).toBe(false); // Luhn fails
    expect(isCardNumber("1111111111111117")).toBe(false); // Luhn passes, no issuer starts with 1
    expect(isCardNumber("41111111111111111")).toBe(false); // Visa issues 13, 16 or 19 digits
    expect(isCardNumber("4222222222222")).toBe(true); // 13-digit Visa
  });
});
