// GET /api/v1/leads/{id}: a lead's delivery status for the website (site API key); no personal data.
import { describeLeadForSite } from "@/lib/leads/status";
import { authenticate } from "@/lib/leads/intake";
import { leadsJsonError } from "@/lib/leads/http";
import { json } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  try {
    await authenticate(request);
    const { id } = await params;
    return json({ ok: true, lead: await describeLeadForSite(id) });
  } catch (error) {
    return leadsJsonError(error);
  }
}
