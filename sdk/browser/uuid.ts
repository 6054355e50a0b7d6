// Random UUIDs for event, session and anonymous ids. crypto.randomUUID() exists in secure contexts
// only (https, localhost), which is why the tracker stays off on plain-http pages (see identity.ts).
export const uuid = (): string => crypto.randomUUID();
