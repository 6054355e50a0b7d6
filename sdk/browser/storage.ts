// localStorage (or sessionStorage) behind try/catch: storage throws when disabled (privacy modes,
// sandboxed iframes) or full, and the tracker must then keep working in memory. An empty value
// means "none", so clearing an item is writing "".
const storageOf = (session?: boolean) => (session ? sessionStorage : localStorage);

export function readItem(key: string, session?: boolean): string | null | undefined {
  try {
    return storageOf(session).getItem("lumen_" + key);
  } catch {}
}

/** Returns the value, for `readItem(key) || writeItem(key, fresh)`. */
export function writeItem(key: string, value = "", session?: boolean): string {
  try {
    storageOf(session).setItem("lumen_" + key, value);
  } catch {}
  return value;
}
