// GET /api/v1/openapi.json: the leads API described for the site's developers, with this deployment's URL.
import { getEnv } from "@/lib/env";
import { json } from "@/lib/http/route";
import { buildOpenApiDocument } from "@/lib/leads/openapi";

export const dynamic = "force-dynamic";

export function GET(): Response {
  return json(buildOpenApiDocument({ appUrl: getEnv().appUrl }));
}
