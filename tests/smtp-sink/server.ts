// Test-only SMTP sink on node:net: speaks just enough SMTP (EHLO, AUTH PLAIN/LOGIN, MAIL, RCPT, DATA, RSET, NOOP,
// QUIT) for nodemailer to deliver to it, keeps every message in memory, and can refuse a password or a message.
// An optional HTTP control port serves /__control/messages, /__control/reset and /__control/fault.
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

export interface SinkMessage {
  from: string;
  to: string[];
  /** The raw message (headers and body) as the client sent it, dot-unstuffed. */
  data: string;
  /** The user name the client signed in with, if any (the password is checked, never kept). */
  user: string | null;
}

export interface SmtpSinkOptions {
  port?: number;
  host?: string;
  /** When set, AUTH must carry this user and password (535 otherwise). */
  user?: string;
  password?: string;
  /** Port of the HTTP control API; none when undefined. */
  controlPort?: number;
}

export interface SmtpSink {
  port: number;
  controlUrl: string | null;
  messages: SinkMessage[];
  /** The next `times` messages are refused at DATA's end with this SMTP code (e.g. 554). */
  refuse(code: number, times?: number): void;
  reset(): void;
  close(): Promise<void>;
}

export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const messages: SinkMessage[] = [];
  const refusals: Array<{ code: number; left: number }> = [];
  const sockets = new Set<Socket>();

  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.setEncoding("utf8");
    const reply = (line: string) => socket.write(`${line}\r\n`);
    let buffer = "";
    let mode: "command" | "data" | "auth-plain" | "auth-login-user" | "auth-login-pass" = "command";
    let from = "";
    let to: string[] = [];
    let data: string[] = [];
    let user: string | null = null;
    let pendingUser = "";
    const authenticate = (name: string, password: string) => {
      if (options.user !== undefined && (name !== options.user || password !== options.password)) {
        reply("535 5.7.8 Authentication credentials invalid");
        return;
      }
      user = name;
      reply("235 2.7.0 Authentication successful");
    };
    const plain = (encoded: string) => {
      const [, name = "", password = ""] = Buffer.from(encoded, "base64").toString("utf8").split("\u0000");
      authenticate(name, password);
    };
    const handle = (line: string) => {
      if (mode === "data") {
        if (line === ".") {
          mode = "command";
          const refusal = refusals.find((entry) => entry.left > 0);
          if (refusal) {
            refusal.left -= 1;
            reply(`${refusal.code} 5.7.1 Message refused by the test sink`);
          } else {
            messages.push({ from, to, data: data.join("\r\n"), user });
            reply("250 2.0.0 OK queued");
          }
          from = "";
          to = [];
          data = [];
          return;
        }
        data.push(line.startsWith("..") ? line.slice(1) : line);
        return;
      }
      if (mode === "auth-plain") {
        mode = "command";
        plain(line);
        return;
      }
      if (mode === "auth-login-user") {
        pendingUser = Buffer.from(line, "base64").toString("utf8");
        mode = "auth-login-pass";
        reply(`334 ${Buffer.from("Password:").toString("base64")}`);
        return;
      }
      if (mode === "auth-login-pass") {
        mode = "command";
        authenticate(pendingUser, Buffer.from(line, "base64").toString("utf8"));
        return;
      }
      const [verb = "", ...rest] = line.split(" ");
      const argument = rest.join(" ");
      switch (verb.toUpperCase()) {
        case "EHLO":
          socket.write("250-smtp-sink\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n");
          return;
        case "HELO":
          return reply("250 smtp-sink");
        case "AUTH": {
          const [method = "", initial] = argument.split(" ");
          if (method.toUpperCase() === "PLAIN") {
            if (initial) plain(initial);
            else {
              mode = "auth-plain";
              reply("334 ");
            }
            return;
          }
          if (method.toUpperCase() === "LOGIN") {
            mode = "auth-login-user";
            reply(`334 ${Buffer.from("Username:").toString("base64")}`);
            return;
          }
          return reply("504 5.5.4 Unrecognized authentication type");
        }
        case "MAIL":
          if (options.user !== undefined && user === null) return reply("530 5.7.0 Authentication required");
          from = /<([^>]*)>/.exec(argument)?.[1] ?? "";
          return reply("250 2.1.0 OK");
        case "RCPT":
          to.push(/<([^>]*)>/.exec(argument)?.[1] ?? "");
          return reply("250 2.1.5 OK");
        case "DATA":
          mode = "data";
          return reply("354 End data with <CR><LF>.<CR><LF>");
        case "RSET":
          from = "";
          to = [];
          data = [];
          return reply("250 2.0.0 OK");
        case "NOOP":
          return reply("250 2.0.0 OK");
        case "QUIT":
          reply("221 2.0.0 Bye");
          socket.end();
          return;
        default:
          return reply("502 5.5.2 Command not recognized");
      }
    };
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      let index: number;
      while ((index = buffer.indexOf("\r\n")) >= 0) {
        const line = buffer.slice(0, index);
        buffer = buffer.slice(index + 2);
        handle(line);
      }
    });
    socket.on("error", () => undefined);
    reply("220 smtp-sink ESMTP ready");
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve));

  const sink: SmtpSink = {
    port: (server.address() as AddressInfo).port,
    controlUrl: null,
    messages,
    refuse(code, times = 1) {
      refusals.push({ code, left: times });
    },
    reset() {
      messages.length = 0;
      refusals.length = 0;
    },
    close: async () => undefined,
  };

  let control: HttpServer | null = null;
  if (options.controlPort !== undefined) {
    control = createHttpServer((request, response) => {
      const path = new URL(request.url ?? "/", "http://sink").pathname;
      const json = (status: number, body: unknown) => {
        response.writeHead(status, { "Content-Type": "application/json" });
        response.end(JSON.stringify(body));
      };
      if (path === "/__control/health") return json(200, { ok: true });
      // The user name is a test value; the password is never kept, so it cannot be served.
      if (path === "/__control/messages") return json(200, { messages });
      if (path === "/__control/reset" && request.method === "POST") {
        sink.reset();
        return json(200, { ok: true });
      }
      if (path === "/__control/fault" && request.method === "POST") {
        const chunks: Buffer[] = [];
        request.on("data", (chunk: Buffer) => chunks.push(chunk));
        request.on("end", () => {
          const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as { code?: number; times?: number };
          sink.refuse(Number(body.code ?? 554), body.times ?? 1);
          json(200, { ok: true });
        });
        return;
      }
      json(404, { ok: false });
    });
    const port = options.controlPort;
    await new Promise<void>((resolve) => control!.listen(port, options.host ?? "127.0.0.1", resolve));
    sink.controlUrl = `http://${options.host ?? "127.0.0.1"}:${(control.address() as AddressInfo).port}`;
  }

  sink.close = async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (control) {
      control.closeAllConnections();
      await new Promise<void>((resolve) => control!.close(() => resolve()));
    }
  };
  return sink;
}
