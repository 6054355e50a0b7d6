// How a site turns on the module a monitoring page reports on (sdk/browser/README.md).
export function MonitoringHint({ module, event }: { module: string; event: string }) {
  return (
    <p className="text-sm text-slate-600 dark:text-slate-400">
      These reports read the <code>{event}</code> events of the opt-in module <code>{module}</code>: add{" "}
      <code>{`<script defer src="https://YOUR_LUMEN_HOST/${module}"></script>`}</code> after your <code>lumen.js</code>{" "}
      tag.
    </p>
  );
}
