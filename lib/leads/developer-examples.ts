/**
 * Copy-ready examples of `POST /api/v1/leads` for the website's developers (interfaces.md, "Website leads"), built
 * with this deployment's URL. The key is always a placeholder read from the server's environment: a real key never
 * appears in an example, and the HTML form posts to the site's own backend, so no page a visitor opens carries it.
 * Pure: no I/O, no server-only imports.
 */

/** The environment variable the examples read the key from, on the website's server. */
export const SITE_KEY_ENV = "AMOCRM_CONNECT_API_KEY";

/** What the placeholder looks like: the real prefix, then an obvious gap. Never a key that could work. */
export const KEY_PLACEHOLDER = "amc_…";

/** The sample body of interfaces.md, on a made-up site. */
export const EXAMPLE_LEAD = {
  name: "Ali Valiyev",
  phone: "+998 90 123-45-67",
  email: "ali@example.uz",
  message: "Eshitish apparati haqida maslahat kerak",
  source: "contact-form",
  pageUrl: "https://www.example.uz/contact",
  utm: { source: "instagram", medium: "cpc", campaign: "winter", content: null, term: null },
} as const;

export interface DeveloperExamples {
  /** `${appUrl}/api/v1/leads` */
  endpoint: string;
  openApiUrl: string;
  body: string;
  curl: string;
  php: string;
  node: string;
  html: string;
  /** What the API answers: a 202 and the two errors a site must handle. */
  responses: string;
}

/** Single-quoted for a POSIX shell, safe whatever the URL holds. */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A PHP single-quoted string literal. */
function phpQuote(value: string): string {
  return `'${value.replace(/[\\']/g, "\\$&")}'`;
}

export function buildDeveloperExamples({ appUrl }: { appUrl: string }): DeveloperExamples {
  const endpoint = `${appUrl}/api/v1/leads`;
  const body = JSON.stringify(EXAMPLE_LEAD, null, 2);

  const curl = `# On a server, with the key in the environment (never in a web page):
export ${SITE_KEY_ENV}='${KEY_PLACEHOLDER}'

curl -i -X POST ${shellQuote(endpoint)} \\
  -H "Authorization: Bearer $${SITE_KEY_ENV}" \\
  -H 'Content-Type: application/json' \\
  -H "Idempotency-Key: $(uuidgen)" \\
  --data-binary @- <<'JSON'
${body}
JSON`;

  const php = `<?php
// contact.php on the website's server: receives the HTML form and forwards it.
// The key comes from the server's environment and never reaches the visitor's browser.
$apiKey = getenv('${SITE_KEY_ENV}');

$field = fn (string $name) => trim((string) ($_POST[$name] ?? '')) ?: null;
$lead = [
    'name' => $field('name'),
    'phone' => $field('phone'),
    'email' => $field('email'),
    'message' => $field('message'),
    'source' => 'contact-form',
    'pageUrl' => $_SERVER['HTTP_REFERER'] ?? null,
];
// One key per submission: send the same one again if you retry it, and the lead is never created twice.
$idempotencyKey = bin2hex(random_bytes(16));

$ch = curl_init(${phpQuote(endpoint)});
curl_setopt_array($ch, [
    CURLOPT_POST => true,
    CURLOPT_RETURNTRANSFER => true,
    CURLOPT_TIMEOUT => 10,
    CURLOPT_HTTPHEADER => [
        'Authorization: Bearer ' . $apiKey,
        'Content-Type: application/json',
        'Idempotency-Key: ' . $idempotencyKey,
    ],
    CURLOPT_POSTFIELDS => json_encode($lead, JSON_UNESCAPED_UNICODE),
]);
$answer = json_decode((string) curl_exec($ch), true);
$status = curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
curl_close($ch);

if ($status === 202) {
    // Stored; it reaches amoCRM in the background. $answer['lead']['id'] names it.
    header('Location: /thank-you', true, 303);
} elseif ($status === 422) {
    // $answer['error']['fields']: [['path' => 'phone', 'message' => '…'], …]: show them next to the form.
    http_response_code(422);
} else {
    // 401 invalid_api_key, 429 throttled (wait Retry-After seconds), or no answer:
    // keep the submission and retry later with the same Idempotency-Key.
    error_log('Lead not accepted: ' . $status . ' ' . ($answer['error']['code'] ?? 'no answer'));
    http_response_code(503);
}`;

  const node = `// On the website's server (Node.js 18 or later), in the route that receives the contact form.
import { randomUUID } from "node:crypto";

export async function sendLead(form, idempotencyKey = randomUUID()) {
  const response = await fetch(${JSON.stringify(endpoint)}, {
    method: "POST",
    headers: {
      Authorization: \`Bearer \${process.env.${SITE_KEY_ENV}}\`,
      "Content-Type": "application/json",
      // Pass the same key again when you retry this submission: the lead is never created twice.
      "Idempotency-Key": idempotencyKey,
    },
    body: JSON.stringify({
      name: form.name,
      phone: form.phone || null,
      email: form.email || null,
      message: form.message || null,
      source: "contact-form",
      pageUrl: form.pageUrl || null,
    }),
    signal: AbortSignal.timeout(10_000),
  });
  const answer = await response.json();
  if (response.status === 202) return { ok: true, id: answer.lead.id };
  // answer.error.code: invalid_api_key (401), invalid_input (422, see answer.error.fields),
  // throttled (429, wait Retry-After seconds), payload_too_large (413), unsupported_media_type (415).
  return {
    ok: false,
    status: response.status,
    code: answer.error.code,
    fields: answer.error.fields ?? [],
    retryAfterSeconds: Number(response.headers.get("Retry-After")) || null,
  };
}`;

  const html = `<!-- The form posts to the website's own server (contact.php above), never to this API:
     the key must not appear in any page a visitor can open. -->
<form method="post" action="/contact.php">
  <label>Name <input name="name" required maxlength="200" autocomplete="name"></label>
  <label>Phone <input name="phone" type="tel" autocomplete="tel"></label>
  <label>Email <input name="email" type="email" autocomplete="email"></label>
  <label>Message <textarea name="message" maxlength="5000"></textarea></label>
  <button type="submit">Send</button>
</form>`;

  const responses = `HTTP/1.1 202 Accepted
Location: /api/v1/leads/0b6f3c8e-5d2a-4f1b-9c7e-2a4d6e8f0a1b

{"ok":true,"lead":{"id":"0b6f3c8e-5d2a-4f1b-9c7e-2a4d6e8f0a1b","status":"queued"}}

HTTP/1.1 422 Unprocessable Entity

{"ok":false,"error":{"code":"invalid_input","message":"…","fields":[{"path":"phone","message":"…"}]}}

HTTP/1.1 401 Unauthorized

{"ok":false,"error":{"code":"invalid_api_key","message":"…"}}`;

  return { endpoint, openApiUrl: `${appUrl}/api/v1/openapi.json`, body, curl, php, node, html, responses };
}
