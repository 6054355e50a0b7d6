// localStorage (or sessionStorage) behind try/catch: storage throws when disabled (privacy modes,
// sandboxed iframes) or full, and the tracker must then keep working in memory. An empty value
// means "none", so clearing an item is writing "". One function reads and writes: fewer bytes.

/** Reads the item. */
export function item(key: string, value?: undefined, session?: boolean): string | null | undefined;
/** Writes the item and returns the value, for `item(key) || item(key, fresh)`. */
export function item(key: string, value: string, session?: boolean): string;
export function item(key: string, value?: string, session?: boolean): string | null | undefined {
  try {
    const storage = session ? sessionStorage : localStorage;
    if (value == null) return storage.getItem("lumen_" + key);
    storage.setItem("lumen_" + key, value);
  } catch {}
  return value;
}
