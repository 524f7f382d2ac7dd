// POST /api/amocrm/disconnect: forgets the tokens; `{"forgetCredentials":true}` forgets the saved keys too.
import { z } from "zod";
import { disconnect } from "@/lib/amocrm/connection";
import { getConnection } from "@/lib/db/connection";
import { AppError } from "@/lib/errors";
import { json, withAdminRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";

const bodySchema = z.object({ forgetCredentials: z.boolean().optional() }).strict();

export const POST = withAdminRoute(async ({ admin, request }) => {
  const text = await request.text();
  let body: unknown = {};
  if (text.trim() !== "") {
    try {
      body = JSON.parse(text);
    } catch {
      throw new AppError("invalid_input");
    }
  }
  const parsed = bodySchema.safeParse(body);
  if (!parsed.success) throw new AppError("invalid_input");
  if (!(await getConnection())) throw new AppError("not_configured");
  const forgetCredentials = parsed.data.forgetCredentials === true;
  await disconnect({ forgetCredentials, actorEmail: admin.email });
  console.info(`[amocrm] disconnected by an admin${forgetCredentials ? ", credentials forgotten" : ""}`);
  return json({ ok: true, forgetCredentials });
});
