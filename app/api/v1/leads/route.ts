// POST /api/v1/leads: the website's server hands over one form submission with its site API key; stored, then 202.
import { acceptLeadRequest } from "@/lib/leads/intake";
import { leadsJsonError } from "@/lib/leads/http";

export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  try {
    const answer = await acceptLeadRequest(request);
    return new Response(answer.body, {
      status: answer.status,
      headers: { "Content-Type": "application/json", "Cache-Control": "no-store", ...answer.headers },
    });
  } catch (error) {
    return leadsJsonError(error);
  }
}
