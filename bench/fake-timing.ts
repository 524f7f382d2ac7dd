// The fake amoCRM's own handling time, read from Node's built-in HTTP server diagnostics channels: from the moment
// its server has parsed a request to the moment the response is fully handed to the socket. The fake runs in this
// process, so this needs no change to tests/fake-amocrm.
import diagnostics from "node:diagnostics_channel";
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";

interface ServerMessage {
  request: IncomingMessage;
  socket: Socket;
}

function isServerMessage(message: unknown): message is ServerMessage {
  return typeof message === "object" && message !== null && "request" in message && "socket" in message;
}

export class FakeHandlingTimer {
  private readonly started = new WeakMap<IncomingMessage, number>();
  private totalMs = 0;
  private finished = 0;
  private readonly onStart = (message: unknown) => {
    if (this.isOurs(message)) this.started.set(message.request, performance.now());
  };
  private readonly onFinish = (message: unknown) => {
    if (!this.isOurs(message)) return;
    const startedAt = this.started.get(message.request);
    if (startedAt === undefined) return;
    this.totalMs += performance.now() - startedAt;
    this.finished += 1;
  };

  /** Times the requests that reach `port` on this process's HTTP servers, control routes excluded. */
  constructor(private readonly port: number) {
    diagnostics.subscribe("http.server.request.start", this.onStart);
    diagnostics.subscribe("http.server.response.finish", this.onFinish);
  }

  private isOurs(message: unknown): message is ServerMessage {
    return isServerMessage(message) && message.socket.localPort === this.port && !message.request.url?.startsWith("/__control/");
  }

  reset(): void {
    this.totalMs = 0;
    this.finished = 0;
  }

  /** Handling time summed over the requests finished since the last reset, and how many there were. */
  read(): { ms: number; requests: number } {
    return { ms: this.totalMs, requests: this.finished };
  }

  close(): void {
    diagnostics.unsubscribe("http.server.request.start", this.onStart);
    diagnostics.unsubscribe("http.server.response.finish", this.onFinish);
  }
}

/** Lets the response-finish events of requests that already answered run before the timer is read. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}
