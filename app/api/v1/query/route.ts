// POST /api/v1/query: run one query definition for a project (read key of its organization).
import { defineRoute, json } from "@/lib/api/route";
import { handleQueryRequest } from "@/lib/query/handle-query";

export const POST = defineRoute(async (request) =>
  json(200, await handleQueryRequest(request), { "cache-control": "no-store" }),
);
