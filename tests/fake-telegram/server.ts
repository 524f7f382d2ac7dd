// Test-only fake of the Telegram Bot API methods the app uses (getMe, sendMessage, getUpdates), with a control API
// under /__control/ to script a "/start <code>" from a chat, read what was sent and inject faults (429 with
// retry_after, 401, 403, 5xx). No dependency beyond node:http; one bot token.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeTelegramOptions {
  /** 0 = a random free port. */
  port?: number;
  host?: string;
  /** The only token the fake accepts (digits, a colon, letters). */
  token?: string;
  botUsername?: string;
  /** Print a line per message sent. */
  quiet?: boolean;
}

export interface SentMessage {
  chatId: string;
  text: string;
  at: string;
}

export interface FaultInput {
  method: "sendMessage" | "getUpdates" | "getMe";
  status: 400 | 401 | 403 | 429 | 500 | 502;
  /** For 429: Telegram's parameters.retry_after. */
  retryAfter?: number;
  /** How many calls fail before the method works again (default 1). */
  times?: number;
}

interface Update {
  update_id: number;
  message: { message_id: number; date: number; text: string; chat: { id: number; type: "private"; first_name: string; username?: string } };
}

export const DEFAULT_TOKEN = "123456789:AAFakeTelegramTokenForTests_0123456789";

export interface FakeTelegram {
  url: string;
  port: number;
  token: string;
  botUsername: string;
  messages: SentMessage[];
  /** Scripts the user's "/start <code>" in a private chat; returns the update id. */
  start(input: { chatId: number; code: string; firstName?: string }): number;
  fault(input: FaultInput): void;
  reset(): void;
  /** Calls per method, including refused ones. */
  calls: Record<string, number>;
  close(): Promise<void>;
}

const MAX_LONG_POLL_MS = 10_000;

export async function startFakeTelegram(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
  const token = options.token ?? DEFAULT_TOKEN;
  const botUsername = options.botUsername ?? "amo_connect_test_bot";
  const messages: SentMessage[] = [];
  const updates: Update[] = [];
  const faults: Array<FaultInput & { left: number }> = [];
  const calls: Record<string, number> = {};
  const waiters = new Set<() => void>();
  let nextUpdateId = 1000;

  const json = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { "Content-Type": "application/json" });
    response.end(JSON.stringify(body));
  };
  const refuse = (response: ServerResponse, fault: FaultInput) => {
    const descriptions: Record<number, string> = {
      400: "Bad Request: chat not found",
      401: "Unauthorized",
      403: "Forbidden: bot was blocked by the user",
      429: `Too Many Requests: retry after ${fault.retryAfter ?? 1}`,
      500: "Internal Server Error",
      502: "Bad Gateway",
    };
    json(response, fault.status, {
      ok: false,
      error_code: fault.status,
      description: descriptions[fault.status],
      ...(fault.status === 429 ? { parameters: { retry_after: fault.retryAfter ?? 1 } } : {}),
    });
  };
  const readBody = async (request: IncomingMessage): Promise<Record<string, unknown>> => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    if (!text) return {};
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch {
      return Object.fromEntries(new URLSearchParams(text));
    }
  };

  const fake: FakeTelegram = {
    url: "",
    port: 0,
    token,
    botUsername,
    messages,
    calls,
    start({ chatId, code, firstName = "Admin" }) {
      const update: Update = {
        update_id: nextUpdateId++,
        message: { message_id: nextUpdateId, date: Math.floor(Date.now() / 1000), text: `/start ${code}`, chat: { id: chatId, type: "private", first_name: firstName } },
      };
      updates.push(update);
      for (const wake of [...waiters]) wake();
      return update.update_id;
    },
    fault(input) {
      faults.push({ ...input, left: input.times ?? 1 });
    },
    reset() {
      messages.length = 0;
      updates.length = 0;
      faults.length = 0;
      for (const key of Object.keys(calls)) delete calls[key];
    },
    close: async () => undefined,
  };

  async function handleBot(request: IncomingMessage, response: ServerResponse, path: string): Promise<void> {
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(path);
    if (!match) return json(response, 404, { ok: false, error_code: 404, description: "Not Found" });
    const [, given, method = ""] = match;
    calls[method] = (calls[method] ?? 0) + 1;
    // Telegram answers an unknown token with 401 (404 for a malformed one).
    if (given !== token) return json(response, 401, { ok: false, error_code: 401, description: "Unauthorized" });
    const fault = faults.find((entry) => entry.method === method && entry.left > 0);
    if (fault) {
      fault.left -= 1;
      return refuse(response, fault);
    }
    const body = await readBody(request);
    switch (method) {
      case "getMe":
        return json(response, 200, { ok: true, result: { id: Number(token.split(":")[0]), is_bot: true, first_name: "amoCRM Connect test", username: botUsername } });
      case "sendMessage": {
        const chatId = String(body.chat_id ?? "");
        const text = String(body.text ?? "");
        if (!chatId || !text) return json(response, 400, { ok: false, error_code: 400, description: "Bad Request: message text is empty" });
        messages.push({ chatId, text, at: new Date().toISOString() });
        if (!options.quiet) console.log(`[fake-telegram] message to chat ${chatId}: ${text.split("\n")[0]}`);
        return json(response, 200, { ok: true, result: { message_id: messages.length, date: Math.floor(Date.now() / 1000), chat: { id: Number(chatId), type: "private" }, text } });
      }
      case "getUpdates": {
        const offset = Number(body.offset ?? 0);
        const timeoutMs = Math.min(Number(body.timeout ?? 0) * 1000, MAX_LONG_POLL_MS);
        const pending = () => updates.filter((update) => update.update_id >= offset);
        // Telegram forgets the updates before the offset once it is asked with it.
        if (offset > 0) updates.splice(0, updates.length, ...pending());
        if (pending().length === 0 && timeoutMs > 0) {
          await new Promise<void>((resolve) => {
            const done = () => {
              clearTimeout(timer);
              waiters.delete(done);
              resolve();
            };
            const timer = setTimeout(done, timeoutMs);
            waiters.add(done);
            request.on("close", done);
          });
        }
        return json(response, 200, { ok: true, result: pending() });
      }
      default:
        return json(response, 404, { ok: false, error_code: 404, description: "Not Found: method not found" });
    }
  }

  async function handleControl(request: IncomingMessage, response: ServerResponse, path: string): Promise<void> {
    const route = path.slice("/__control/".length);
    if (request.method === "GET" && route === "health") return json(response, 200, { ok: true });
    if (request.method === "GET" && route === "messages") return json(response, 200, { messages });
    if (request.method === "GET" && route === "state") return json(response, 200, { botUsername, messages, calls, pendingUpdates: updates.length });
    if (request.method !== "POST") return json(response, 405, { ok: false });
    const body = await readBody(request);
    switch (route) {
      case "start": {
        const chatId = Number(body.chatId);
        const code = String(body.code ?? "");
        if (!Number.isSafeInteger(chatId) || !code) return json(response, 422, { ok: false, error: "chatId (a number) and code are required" });
        return json(response, 200, { ok: true, updateId: fake.start({ chatId, code, firstName: typeof body.firstName === "string" ? body.firstName : undefined }) });
      }
      case "fault": {
        const status = Number(body.status) as FaultInput["status"];
        const method = String(body.method) as FaultInput["method"];
        if (![400, 401, 403, 429, 500, 502].includes(status) || !["sendMessage", "getUpdates", "getMe"].includes(method)) {
          return json(response, 422, { ok: false, error: "method (sendMessage|getUpdates|getMe) and status (400|401|403|429|500|502) are required" });
        }
        fake.fault({ method, status, retryAfter: body.retryAfter === undefined ? undefined : Number(body.retryAfter), times: body.times === undefined ? undefined : Number(body.times) });
        return json(response, 200, { ok: true });
      }
      case "reset":
        fake.reset();
        return json(response, 200, { ok: true });
      default:
        return json(response, 404, { ok: false });
    }
  }

  const server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://fake").pathname;
    const handler = path.startsWith("/__control/") ? handleControl(request, response, path) : handleBot(request, response, path);
    handler.catch(() => {
      if (!response.headersSent) json(response, 500, { ok: false, error_code: 500, description: "fake failed" });
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const host = options.host && options.host !== "0.0.0.0" ? options.host : "127.0.0.1";
  fake.url = `http://${host}:${port}`;
  fake.port = port;
  fake.close = () =>
    new Promise<void>((resolve) => {
      for (const wake of [...waiters]) wake();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}
