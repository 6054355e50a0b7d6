// Prisma CLI configuration: `prisma generate` needs only the schema; migrations run through
// lib/db/schema-engine.ts (the WebAssembly engine), so no datasource URL is required here.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
