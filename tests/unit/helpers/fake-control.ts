// Shared by the fake amoCRM's own tests: the credentials they start it with, and its control API over real HTTP.
import { expect } from "vitest";
import type { FakeAmo } from "../../fake-amocrm/server";

export const CLIENT_ID = "2912780f-a1e4-4d5d-a069-ee01422d8bef";
export const SECRET = "PZp1wm7VpAUBvpTzADj4CRHjmuvRR4PwVS7EqVxxxNvpMglIWK8uy6KWSgxxvdjY";
export const REDIRECT = "http://127.0.0.1:3101/api/amocrm/callback";

/** `control` answers as it came; `controlJson` also requires a 200. `fake` is read per call: it starts in beforeAll. */
export function fakeControl(fake: () => FakeAmo) {
  async function control(path: string, body?: unknown): Promise<Response> {
    return fetch(`${fake().url}/__control${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }
  async function controlJson<T = Record<string, unknown>>(path: string, body?: unknown): Promise<T> {
    const res = await control(path, body);
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  }
  return { control, controlJson };
}
