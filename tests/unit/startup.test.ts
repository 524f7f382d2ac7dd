// The start-up check of APP_URL (lib/startup.ts): in production, one `[config]` warning when amoCRM could not come
// back to it (loopback, a private address, not https). It warns and starts: refusing is not this check's job.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { checkAppUrl } from "@/lib/app-url-check";
import { setupTempEnv } from "./helpers/test-env";

// The background jobs are not under test here and would keep running.
vi.mock("@/lib/amocrm/jobs", () => ({ startBackgroundJobs: vi.fn() }));
vi.mock("@/lib/leads/worker", () => ({ startLeadWorker: vi.fn() }));

describe("checkAppUrl", () => {
  it.each([
    ["http://localhost:3000", "loopback"],
    ["http://127.0.0.1:3101", "loopback"],
    ["https://127.0.0.2", "loopback"],
    ["http://[::1]:3000", "loopback"],
    ["https://admin.localhost", "loopback"],
    ["https://10.0.0.5", "private"],
    ["https://172.16.4.1", "private"],
    ["https://172.31.255.255", "private"],
    ["https://192.168.1.20:8443", "private"],
    ["https://169.254.10.1", "private"],
    ["https://100.64.0.1", "private"],
    ["https://0.0.0.0", "private"],
    ["https://[fd12:3456::1]", "private"],
    ["https://[fe80::1]", "private"],
    ["https://crm-server", "private"],
    ["https://crm.local", "private"],
    ["https://crm.internal", "private"],
    ["http://admin.example.com", "not_https"],
    ["http://203.0.113.7", "not_https"],
  ])("%s → %s", (url, reason) => {
    expect(checkAppUrl(url)?.reason).toBe(reason);
  });

  it.each(["https://admin.example.com", "https://203.0.113.7", "https://172.32.0.1", "https://[2001:db8::1]", "https://admin.example.com:8443"])(
    "%s is fine",
    (url) => {
      expect(checkAppUrl(url)).toBeNull();
    },
  );
});

describe("startServer", () => {
  const saved = { ...process.env };
  let warnings: string[];

  beforeEach(() => {
    vi.resetModules();
    warnings = [];
    vi.spyOn(console, "warn").mockImplementation((line: unknown) => void warnings.push(String(line)));
    vi.spyOn(console, "info").mockImplementation(() => undefined);
  });

  afterEach(() => {
    vi.restoreAllMocks();
    process.env = { ...saved };
  });

  async function start(appUrl: string, nodeEnv: string): Promise<string[]> {
    setupTempEnv({ APP_URL: appUrl, NODE_ENV: nodeEnv });
    const { startServer } = await import("@/lib/startup");
    await startServer();
    return warnings.filter((line) => line.startsWith("[config] APP_URL"));
  }

  it("warns once in production when APP_URL is loopback, and still starts", async () => {
    const lines = await start("http://127.0.0.1:3101", "production");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("http://127.0.0.1:3101");
    expect(lines[0]).toMatch(/loopback/);
    const { startBackgroundJobs } = await import("@/lib/amocrm/jobs");
    expect(startBackgroundJobs).toHaveBeenCalledTimes(1);
  });

  it("warns in production about a private address", async () => {
    expect(await start("https://192.168.1.20", "production")).toEqual([expect.stringMatching(/private/)]);
  });

  it("refuses to start in production with a plain http APP_URL that is not a local trial (issue 14 item 9)", async () => {
    const errors: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: unknown) => void errors.push(String(line)));
    vi.spyOn(process, "exit").mockImplementation(() => {
      throw new Error("process.exit");
    });
    const { startBackgroundJobs } = await import("@/lib/amocrm/jobs");
    const startsBefore = vi.mocked(startBackgroundJobs).mock.calls.length;
    await expect(start("http://admin.example.com", "production")).rejects.toThrow("process.exit");
    expect(errors).toEqual([expect.stringMatching(/^\[config\] APP_URL: must be https/)]);
    expect(vi.mocked(startBackgroundJobs).mock.calls.length).toBe(startsBefore);
  });

  it("says nothing for a public https APP_URL, nor outside production", async () => {
    expect(await start("https://admin.example.com", "production")).toEqual([]);
    vi.resetModules();
    expect(await start("http://localhost:3000", "development")).toEqual([]);
  });
});
