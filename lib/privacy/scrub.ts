// Server-side scrubbing of personal data before an event is stored: email addresses, phone numbers,
// payment card numbers and IP addresses in property values (at any depth) and in the columns taken
// from the page (path, title, utm values, the referrer's host) are masked, and property keys a
// project lists are dropped. Pure and synchronous: it runs on the batch-preparing worker thread
// (lib/ingest/prepare-batch.ts). The rules, with the cases that must and must not be masked, are in
// scrub.test.ts and the README's privacy section.
//
// Speed: most values are short words, paths and numbers. Text with no digit, "@" or "%" is left
// after one native regex test; otherwise one pass over its characters tells which patterns could
// match at all (an "@", enough digits, a dot, colons), and only those run.
import { isIP, isIPv6 } from "node:net";
import { SCRUB_CLASSES, SCRUB_MASKS, type ScrubClass } from "./schemas";

export { SCRUB_CLASSES, type ScrubClass };

/** A project's scrubbing: the classes masked and the property keys never stored (matched case-insensitively). */
export interface ScrubPolicy {
  classes: readonly ScrubClass[];
  droppedKeys: readonly string[];
}

export const DEFAULT_SCRUB_POLICY: ScrubPolicy = { classes: SCRUB_CLASSES, droppedKeys: [] };

/** What was masked or dropped, by class; only classes that happened are present. */
export type ScrubCounts = Partial<Record<ScrubClass | "dropped_keys", number>>;

// An address: a local part, "@" (or "%40" in URLs), a domain with a top-level label of letters. A
// file name such as icon@2x.png is not an address: its last label is a file type, not a domain.
const EMAIL = /[\w.+-]+(?:@|%40)[a-z0-9-]+(?:\.[a-z0-9-]+)*\.([a-z]{2,63})\b/gi;
const FILE_TYPES = new Set(["png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "ico", "css", "js", "map", "pdf"]);

// 13 to 19 digits, optionally grouped by single spaces or dashes, standing alone: not inside a
// longer run of digits, a word, a decimal or a dashed id. Kept only with an issuer's prefix and
// length and a valid Luhn check digit, so order ids, timestamps and other long numbers stay.
const CARD = /(?<![\w.,-])\d(?:[ -]?\d){12,18}(?![\w-]|[ .,]\d)/g;

// IPv6: a run of hex groups and colons (an embedded IPv4 tail allowed), confirmed by node:net.
const IPV6 = /(?<![\w:.])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f.]*(?![\w:])/gi;
const OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
// Four octets standing alone: not part of a longer dotted number (1.2.3.4.5) or a word (v1.2.3.4).
const IPV4 = new RegExp(`(?<![\\w.-])${OCTET}(?:\\.${OCTET}){3}(?![\\w-]|\\.\\d)`, "g");

// Phone numbers need a phone's shape, since a bare run of digits is as likely an id:
// - international: "+" and 8 to 15 digits, grouped by spaces, dots, dashes or an area code in brackets;
// - national: an area code in brackets or 2-4 digits and a separator, then at least two more groups
//   of 2-4 digits, 9 to 12 digits in all ((415) 555-0132, 415-555-0132, 06 12 34 56 78, 020 7946 0958);
// - a tel: link.
// Not followed by a time's colon or by more digits, so dates with times and longer numbers stay.
const PHONE =
  /(?<![\w.+-])(?:\+\d[\d ().-]{6,22}\d|(?:\(\d{2,4}\)[ .-]?|\d{2,4}[ .-])\d{2,4}(?:[ .-]\d{2,4}){1,4})(?![\w:]|[.-]?\d)|tel:[+\d ().-]{6,24}\d/gi;
// A date at the start of a phone-shaped match (2026-11-23 14) is a date.
const DATE_START = /^(?:19|20)\d\d[-./ ]\d{1,2}[-./ ]\d{1,2}(?!\d)/;
// Thousands grouping (1 234 567 890) is an amount, not a phone number.
const THOUSANDS = /^\d{1,3}(?:[ .]\d{3})+$/;

/** Every pattern needs a digit, an "@" or a "%" (of "%40"): text without any is left at once. */
const MAY_MATCH = /[\d@%]/;

/** A property key naming a version (version, app_version, osVersion): its dotted quads are versions, not addresses. */
const VERSION_KEY = /version$/i;

function digitCount(text: string): number {
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
  }
  return digits;
}

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** An issuer's prefix and a length it issues (Visa, Mastercard, Amex, Diners, JCB, Discover, UnionPay, Maestro). */
function hasIssuerShape(digits: string): boolean {
  const n = digits.length;
  const two = Number(digits.slice(0, 2));
  const three = Number(digits.slice(0, 3));
  const four = Number(digits.slice(0, 4));
  if (digits[0] === "4") return n === 13 || n === 16 || n === 19;
  if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) return n === 16;
  if (two === 34 || two === 37) return n === 15;
  if ((three >= 300 && three <= 305) || two === 36 || two === 38) return n >= 14 && n <= 19;
  if (four >= 3528 && four <= 3589) return n >= 16 && n <= 19;
  if (four === 6011 || (three >= 644 && three <= 649) || two === 65 || two === 62) return n >= 16 && n <= 19;
  if ([5018, 5020, 5038, 5893, 6304, 6759, 6761, 6762, 6763].includes(four)) return n >= 13 && n <= 19;
  return false;
}

export function isCardNumber(candidate: string): boolean {
  const digits = candidate.replace(/[ -]/g, "");
  return digits.length >= 13 && digits.length <= 19 && hasIssuerShape(digits) && luhnValid(digits);
}

function isPhoneNumber(candidate: string): boolean {
  if (/^tel:/i.test(candidate)) return true;
  const digits = digitCount(candidate);
  if (candidate.startsWith("+")) return digits >= 8 && digits <= 15;
  return digits >= 9 && digits <= 12 && !DATE_START.test(candidate) && !THOUSANDS.test(candidate);
}

/**
 * Masks what a policy asks for, counting as it goes. One per batch: the counts are the batch's.
 * Strings are scanned once for the characters each pattern needs before any pattern runs.
 */
export class Scrubber {
  readonly counts: ScrubCounts = {};
  private readonly email: boolean;
  private readonly phone: boolean;
  private readonly card: boolean;
  private readonly ip: boolean;
  private readonly dropped: ReadonlySet<string>;

  constructor(policy: ScrubPolicy) {
    const on = new Set(policy.classes);
    this.email = on.has("email");
    this.phone = on.has("phone");
    this.card = on.has("card");
    this.ip = on.has("ip");
    this.dropped = new Set(policy.droppedKeys.map((key) => key.toLowerCase()));
  }

  /** True when the policy masks nothing and drops nothing: events pass untouched. */
  get idle(): boolean {
    return !this.email && !this.phone && !this.card && !this.ip && this.dropped.size === 0;
  }

  private count(kind: ScrubClass | "dropped_keys", n = 1): void {
    this.counts[kind] = (this.counts[kind] ?? 0) + n;
  }

  private mask(text: string, pattern: RegExp, kind: ScrubClass, keep?: (match: string, group?: string) => boolean) {
    pattern.lastIndex = 0;
    return text.replace(pattern, (match: string, group?: string) => {
      if (keep && !keep(match, typeof group === "string" ? group : undefined)) return match;
      this.count(kind);
      return SCRUB_MASKS[kind];
    });
  }

  /** A text value with what the policy names masked. `key` is the property it belongs to, if any. */
  text(value: string, key?: string): string {
    if (value.length < 6 || !MAY_MATCH.test(value)) return value;
    let atSign = false;
    let colons = 0;
    let dots = false;
    let digits = 0;
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      if (c >= 48 && c <= 57) digits++;
      else if (c === 64 || c === 37)
        atSign = true; // "@", or "%" of "%40"
      else if (c === 58) colons++;
      else if (c === 46) dots = true;
    }
    let text = value;
    if (this.email && atSign) text = this.mask(text, EMAIL, "email", (_m, tld) => !FILE_TYPES.has(tld!.toLowerCase()));
    if (this.card && digits >= 13) text = this.mask(text, CARD, "card", isCardNumber);
    if (this.ip && colons >= 2) text = this.mask(text, IPV6, "ip", (m) => isIPv6(m));
    if (this.ip && dots && digits >= 4 && !(key && VERSION_KEY.test(key))) text = this.mask(text, IPV4, "ip");
    if (this.phone && digits >= 8) text = this.mask(text, PHONE, "phone", isPhoneNumber);
    return text;
  }

  /** A host name (the referrer's): an address as a host is masked whole. */
  host(value: string): string {
    if (this.ip && isIP(value.replace(/^\[|\]$/g, ""))) {
      this.count("ip");
      return SCRUB_MASKS.ip;
    }
    return value;
  }

  /**
   * A JSON value with its strings scrubbed and its dropped keys removed, at any depth. Objects and
   * arrays are changed in place (they come from the request's own parse). A whole number that is a
   * card number becomes the mask text.
   */
  json(value: unknown, key?: string): unknown {
    if (typeof value === "string") return this.text(value, key);
    if (typeof value === "number") {
      if (this.card && Number.isSafeInteger(value) && value >= 1e12 && isCardNumber(String(value))) {
        this.count("card");
        return SCRUB_MASKS.card;
      }
      return value;
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const scrubbed = this.json(value[i], key);
        if (scrubbed !== value[i]) value[i] = scrubbed;
      }
      return value;
    }
    if (typeof value === "object" && value !== null) {
      const object = value as Record<string, unknown>;
      for (const name of Object.keys(object)) {
        if (this.dropped.size > 0 && this.dropped.has(name.toLowerCase())) {
          delete object[name];
          this.count("dropped_keys");
        } else {
          const value = object[name];
          const scrubbed = this.json(value, name);
          if (scrubbed !== value) object[name] = scrubbed;
        }
      }
    }
    return value;
  }
}
