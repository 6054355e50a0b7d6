"use client";
// A time zone picked from the IANA names, so a project never gets one the server refuses. The list
// comes from the server where the page is rendered there (the same on both sides of hydration), else
// from this browser; the current value is always an option.
import { useMemo } from "react";
import { Select } from "./field";

export function browserTimeZones(): string[] {
  return typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
}

export function TimeZoneSelect({
  zones,
  value,
  defaultValue,
  ...props
}: { zones?: string[]; value?: string; defaultValue?: string } & Omit<
  React.SelectHTMLAttributes<HTMLSelectElement>,
  "value" | "defaultValue"
>) {
  const current = value ?? defaultValue ?? "UTC";
  const options = useMemo(() => {
    const all = new Set(zones ?? browserTimeZones());
    all.add("UTC");
    all.add(current);
    return [...all].sort();
  }, [zones, current]);
  return (
    <Select value={value} defaultValue={defaultValue} {...props}>
      {options.map((zone) => (
        <option key={zone} value={zone}>
          {zone.replaceAll("_", " ")}
        </option>
      ))}
    </Select>
  );
}
