// The embed's own root layout: no app chrome, no session or auth code, just the widgets.
import "../globals.css";

export default function EmbedRootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="bg-transparent">{children}</body>
    </html>
  );
}
