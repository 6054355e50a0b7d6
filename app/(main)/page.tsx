// The landing page: what Lumen is and where to go next.
export default function HomePage() {
  return (
    <main className="mx-auto flex max-w-3xl flex-col gap-6 px-6 py-20">
      <h1 className="text-4xl font-semibold tracking-tight">Lumen</h1>
      <p className="text-lg text-slate-600 dark:text-slate-300">
        Open-source embedded analytics. Send events from your web and native apps, build reports, and embed them as live
        widgets in your own product.
      </p>
      <section
        aria-labelledby="ingest-heading"
        className="rounded-lg border border-slate-200 p-5 dark:border-slate-800"
      >
        <h2 id="ingest-heading" className="font-medium">
          Send your first event
        </h2>
        <pre className="mt-3 overflow-x-auto rounded bg-slate-100 p-3 text-sm dark:bg-slate-900">
          {`curl -X POST http://localhost:3000/api/v1/events \\
  -H "Authorization: Bearer $LUMEN_WRITE_KEY" \\
  -H "Content-Type: application/json" \\
  -d '{"name":"signup","properties":{"plan":"pro"}}'`}
        </pre>
      </section>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        Health:{" "}
        <a className="underline" href="/api/health">
          /api/health
        </a>
      </p>
    </main>
  );
}
