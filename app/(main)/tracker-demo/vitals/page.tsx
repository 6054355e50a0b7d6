// The opt-in modules' demo: lumen.js with lumen-vitals.js and lumen-errors.js, a hero image that
// arrives late (?delay= ms, default 1200: the Largest Contentful Paint), a banner that pushes the
// page down when it arrives (a layout shift), and buttons that throw an error and reject a promise.
import type { Metadata } from "next";
import { VitalsDemoControls } from "./vitals-demo-controls";

export const metadata: Metadata = { title: "Vitals demo" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function VitalsDemoPage({ searchParams }: Props) {
  const query = await searchParams;
  const key = typeof query.key === "string" ? query.key : "";
  const delay = typeof query.delay === "string" ? query.delay : "1200";
  return (
    <main className="mx-auto flex max-w-4xl flex-col gap-4 px-6 py-6">
      <script defer src="/lumen.js" data-key={key} />
      <script defer src="/lumen-vitals.js" />
      <script defer src="/lumen-errors.js" />
      <VitalsDemoControls imageUrl={`/tracker-demo/slow-image.svg?delay=${encodeURIComponent(delay)}`} />
    </main>
  );
}
