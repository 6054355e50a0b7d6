// Pure formatting helpers shared by every widget, so dashboards and embeds print numbers the same way.
import { isRateMeasure } from "@/lib/query/measure-semantics";
import type { Measure } from "@/lib/query/schemas";

export type MeasureType = Measure["type"];
export type Interval = "hour" | "day" | "week" | "month";

/** Shown for null (undefined averages/rates); an en dash reads as "no value", unlike 0. */
export const NO_VALUE = "–";

export function formatNumber(value: number | null, locale?: string, compact = false): string {
  if (value === null || !Number.isFinite(value)) return NO_VALUE;
  const digits = Number.isInteger(value) || Math.abs(value) >= 100 ? 0 : 2;
  return new Intl.NumberFormat(
    locale,
    compact ? { notation: "compact", maximumFractionDigits: 1 } : { maximumFractionDigits: digits },
  ).format(value);
}

/** A 0..1 fraction as a percentage; `signed` prefixes + for changes. */
export function formatPercent(fraction: number | null, locale?: string, signed = false): string {
  if (fraction === null || !Number.isFinite(fraction)) return NO_VALUE;
  const digits = Math.abs(fraction) < 0.1 && fraction !== 0 ? 1 : 0;
  return new Intl.NumberFormat(locale, {
    style: "percent",
    maximumFractionDigits: digits,
    signDisplay: signed ? "exceptZero" : "auto",
  }).format(fraction);
}

/** A difference of two rates (0..1 fractions) in percentage points, signed: 0.021 -> "+2.1 pp". */
export function formatPoints(difference: number | null, locale?: string): string {
  if (difference === null || !Number.isFinite(difference)) return NO_VALUE;
  const points = new Intl.NumberFormat(locale, {
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
    signDisplay: "exceptZero",
  }).format(difference * 100);
  return `${points} pp`;
}

/** Seconds as the two largest units: 45s, 3m 20s, 1h 5m, 2d 3h. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return NO_VALUE;
  let rest = Math.round(Math.abs(seconds));
  const parts: string[] = [];
  for (const [unit, size] of [
    ["d", 86_400],
    ["h", 3_600],
    ["m", 60],
    ["s", 1],
  ] as const) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0 || (unit === "s" && parts.length === 0)) parts.push(`${n}${unit}`);
  }
  return (seconds < 0 ? "-" : "") + parts.slice(0, 2).join(" ");
}

/** A value of the given measure: bounce rate is a 0..1 fraction, session duration and time on page are in seconds. */
export function formatMeasure(
  value: number | null,
  measureType: MeasureType = "count",
  locale?: string,
  compact = false,
): string {
  if (isRateMeasure(measureType)) return formatPercent(value, locale);
  if (measureType === "avg_session_duration" || measureType === "time_on_page") return formatDuration(value);
  return formatNumber(value, locale, compact);
}

/** Measures whose groups add up to the whole, so stacking and "share of total" are meaningful. */
export function isAdditive(measureType: MeasureType = "count"): boolean {
  return measureType === "count" || measureType === "sessions" || measureType === "sum";
}

const labelFormats: Record<Interval, { short: Intl.DateTimeFormatOptions; long: Intl.DateTimeFormatOptions }> = {
  hour: { short: { hour: "numeric", minute: "2-digit" }, long: { dateStyle: "medium", timeStyle: "short" } },
  day: {
    short: { month: "short", day: "numeric" },
    long: { weekday: "short", month: "short", day: "numeric", year: "numeric" },
  },
  week: { short: { month: "short", day: "numeric" }, long: { month: "short", day: "numeric", year: "numeric" } },
  month: { short: { month: "short", year: "numeric" }, long: { month: "long", year: "numeric" } },
};

/**
 * A bucket or cohort label ("YYYY-MM-DD" or "YYYY-MM-DDTHH:MI", wall-clock time in the project's
 * time zone) for the user's locale. Formatted as UTC so the viewer's own zone never shifts it.
 */
export function formatBucketLabel(
  label: string,
  interval: Interval,
  locale?: string,
  style: "short" | "long" = "short",
): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?/.exec(label);
  if (!m) return label;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0)));
  const text = new Intl.DateTimeFormat(locale, { ...labelFormats[interval][style], timeZone: "UTC" }).format(date);
  return interval === "week" && style === "long" ? `Week of ${text}` : text;
}

export interface Noun {
  one: string;
  other: string;
}

/** The noun's form for a count, as the locale's plural rules pick it ("widget" for 1, "widgets" for 0 and 2 in English). */
export function pluralForm(count: number, noun: Noun, locale?: string): string {
  return new Intl.PluralRules(locale).select(count) === "one" ? noun.one : noun.other;
}

/** "1 widget", "2 widgets", "1,204 events": a count with its noun in the right form. */
export function formatCount(count: number, noun: Noun, locale?: string): string {
  return `${formatNumber(count, locale)} ${pluralForm(count, noun, locale)}`;
}
