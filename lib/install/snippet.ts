// The tag a site owner pastes into their pages' <head>, as the analyst app shows it.
const escapeAttribute = (value: string) => value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");

export function trackerSnippet({ host, writeKey }: { host: string; writeKey: string }): string {
  const origin = new URL(host).origin;
  return `<script defer src="${escapeAttribute(origin)}/lumen.js" data-key="${escapeAttribute(writeKey)}"></script>`;
}
