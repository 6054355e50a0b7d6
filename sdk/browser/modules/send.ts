// How an opt-in module reports: through the core tracker (window.lumen, from lumen.js), which applies
// consent, Do Not Track, excluded paths, beforeSend and batching. A page without it sends nothing:
// modules load after lumen.js (both `defer`, in that order).

export function send(name: string, properties: Record<string, unknown>, now?: boolean): void {
  const lumen = window.lumen;
  lumen?.track(name, properties);
  // On hide the core has flushed already (its listeners ran first): this event needs a flush of its own.
  if (now) lumen?.flush();
}
