import { LEAD_LIMITS, UTM_KEYS } from "./input";
import { LEAD_STATUSES } from "./delivery-outcome";

/**
 * The OpenAPI 3.1 description of the site's leads API (interfaces.md, "Website leads"), served at
 * `/api/v1/openapi.json` with the deployment's own URL, so the site's developers can generate a client or read it
 * in any OpenAPI viewer. Built from the same limits the intake checks. Pure.
 */

const errorShape = {
  type: "object",
  required: ["ok", "error"],
  properties: {
    ok: { const: false },
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: { type: "string" },
        message: { type: "string", description: "In the request's language (Accept-Language: uz, ru or en)." },
        fields: {
          type: "array",
          description: "With invalid_input: one entry per refused field.",
          items: { type: "object", required: ["path", "message"], properties: { path: { type: "string" }, message: { type: "string" } } },
        },
      },
    },
  },
} as const;

const errorResponse = (description: string) => ({ description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } });

const nullableText = (maxLength: number, description: string, example?: string) => ({
  type: ["string", "null"],
  maxLength,
  description,
  ...(example ? { example } : {}),
});

export function buildOpenApiDocument({ appUrl }: { appUrl: string }) {
  return {
    openapi: "3.1.0",
    info: {
      title: "amoCRM Connect: website leads",
      version: "1.0.0",
      description:
        "The company website's server posts each form submission here with a site API key. The lead is stored " +
        "first and delivered to amoCRM in the background, exactly once; it is never refused because amoCRM is slow, " +
        "down or disconnected.",
    },
    servers: [{ url: appUrl }],
    security: [{ siteKey: [] }],
    paths: {
      "/api/v1/leads": {
        post: {
          operationId: "createLead",
          summary: "Accept one form submission",
          parameters: [
            {
              name: "Idempotency-Key",
              in: "header",
              required: false,
              description: "1 to 255 visible ASCII characters. The same key with the same body within 24 hours answers the first response again (with Idempotent-Replayed: true); with another body, 422 idempotency_key_reused.",
              schema: { type: "string", minLength: 1, maxLength: 255, pattern: "^[\\x21-\\x7E]+$" },
            },
          ],
          requestBody: { required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/LeadInput" } } } },
          responses: {
            "202": {
              description: "Stored; delivery to amoCRM follows.",
              headers: {
                Location: { schema: { type: "string" }, description: "/api/v1/leads/{id}" },
                "Idempotent-Replayed": { schema: { const: "true" }, description: "Present when this is a replay of an earlier request." },
              },
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    required: ["ok", "lead"],
                    properties: { ok: { const: true }, lead: { type: "object", required: ["id", "status"], properties: { id: { type: "string", format: "uuid" }, status: { const: "queued" } } } },
                  },
                },
              },
            },
            "401": errorResponse("invalid_api_key: missing, unknown or revoked key"),
            "413": errorResponse("payload_too_large: the body is over 64 KiB"),
            "415": errorResponse("unsupported_media_type: the body is not application/json"),
            "422": errorResponse("invalid_input (with error.fields) or idempotency_key_reused"),
            "429": { ...errorResponse("throttled: too many requests for this key; see Retry-After"), headers: { "Retry-After": { schema: { type: "integer" } } } },
          },
        },
      },
      "/api/v1/leads/{id}": {
        get: {
          operationId: "getLead",
          summary: "The delivery status of one lead (no personal data)",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } }],
          responses: {
            "200": {
              description: "The lead's status",
              content: {
                "application/json": {
                  schema: { type: "object", required: ["ok", "lead"], properties: { ok: { const: true }, lead: { $ref: "#/components/schemas/LeadStatus" } } },
                },
              },
            },
            "401": errorResponse("invalid_api_key"),
            "404": errorResponse("not_found"),
          },
        },
      },
    },
    components: {
      securitySchemes: { siteKey: { type: "http", scheme: "bearer", description: "A site API key (amc_…) from /settings/api-keys." } },
      schemas: {
        LeadInput: {
          type: "object",
          additionalProperties: false,
          required: ["name"],
          description: "At least one of phone and email is required. Unknown fields are refused.",
          properties: {
            name: { type: "string", minLength: 1, maxLength: LEAD_LIMITS.name, example: "Ali Valiyev" },
            phone: nullableText(64, "Normalized to + and digits; a local number gets the default country's code.", "+998 90 123-45-67"),
            email: nullableText(LEAD_LIMITS.email, "An email address.", "ali@example.uz"),
            message: nullableText(LEAD_LIMITS.message, "The visitor's message; becomes a note on the amoCRM lead."),
            source: nullableText(LEAD_LIMITS.source, "Which form sent it.", "contact-form"),
            pageUrl: nullableText(LEAD_LIMITS.pageUrl, "The page the form was on (http or https).", "https://acoustic.uz/contact"),
            utm: {
              type: ["object", "null"],
              additionalProperties: false,
              properties: Object.fromEntries(UTM_KEYS.map((key) => [key, nullableText(LEAD_LIMITS.utm, `utm_${key}`)])),
            },
          },
        },
        LeadStatus: {
          type: "object",
          properties: {
            id: { type: "string", format: "uuid" },
            status: { enum: [...LEAD_STATUSES] },
            attempts: { type: "integer" },
            nextAttemptAt: { type: ["string", "null"], format: "date-time" },
            amocrmLeadId: { type: ["integer", "null"] },
            amocrmContactId: { type: ["integer", "null"] },
            lastError: { type: ["object", "null"], properties: { code: { type: "string" }, message: { type: "string" }, at: { type: "string", format: "date-time" } } },
            createdAt: { type: "string", format: "date-time" },
            sentAt: { type: ["string", "null"], format: "date-time" },
          },
        },
        Error: errorShape,
      },
    },
  };
}
