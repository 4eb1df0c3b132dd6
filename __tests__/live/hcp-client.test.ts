import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CannotCheckError } from "../../lib/live/errors";
import { HcpClient, waitOf } from "../../lib/live/hcp-client";

const run = promisify(execFile);
const target = { object: "workspace app", permission: "read access to workspace app" };
let server: Server | undefined;

afterEach(async () => {
  await new Promise<void>((resolve) =>
    server === undefined ? resolve() : server.close(() => resolve()),
  );
  server = undefined;
});

/** A server answering each request with the next of the given statuses (the last one repeats). */
async function serve(statuses: number[], headers: Record<string, string> = {}) {
  const seen: string[] = [];
  server = createServer((req, res) => {
    seen.push(req.url ?? "");
    const status = statuses[Math.min(seen.length - 1, statuses.length - 1)] ?? 200;
    res.writeHead(status, { "content-type": "application/json", ...headers });
    const item = { id: "ws-1", type: "workspaces", attributes: { name: "app" } };
    res.end(JSON.stringify({ data: req.url?.includes("page%5Bsize%5D") ? [item] : item }));
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  const address = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { seen, client: new HcpClient({ address, token: "t", minRetryDelayMs: 1, retries: 3 }) };
}

describe("the HCP Terraform client", () => {
  it("retries 429 and 5xx answers, and reads the answer that follows", async () => {
    const { seen, client } = await serve([429, 503, 200], { "retry-after": "0" });
    expect(await client.get("/workspaces/ws-1", target)).toMatchObject({ id: "ws-1" });
    expect(seen).toHaveLength(3);
  });

  it("gives up after its retries, with the object in the message", async () => {
    const { seen, client } = await serve([500]);
    await expect(client.get("/workspaces/ws-1", target)).rejects.toThrow(
      /kept answering HTTP 500 reading workspace app, 3 retries later/,
    );
    expect(seen).toHaveLength(4);
  });

  it("abandons a request to a server that never answers, once the server has it, and says it timed out", async () => {
    let arrived: () => void = () => {};
    const arrival = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    server = createServer(() => arrived()); // never answers
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    const address = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
    try {
      const client = new HcpClient({ address, token: "t", retries: 0 });
      const request = client.get("/workspaces/ws-1", target);
      const done = settlement(request);
      await arrival;
      await vi.advanceTimersByTimeAsync(9_999);
      expect(done.at).toBeUndefined();
      await vi.advanceTimersByTimeAsync(1);
      await expect(request).rejects.toThrow(
        `cannot reach HCP Terraform at ${address} (timed out) reading workspace app`,
      );
    } finally {
      vi.useRealTimers();
      server.closeAllConnections();
    }
  });

  it("reads 404 as absent, without retrying", async () => {
    const { seen, client } = await serve([404]);
    expect(await client.get("/workspaces/ws-1", target)).toBeUndefined();
    expect(seen).toHaveLength(1);
  });

  it("names the object and the missing permission on 403", async () => {
    const { client } = await serve([403]);
    const error = await client.get("/workspaces/ws-1", target).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CannotCheckError);
    expect((error as Error).message).toContain(
      "does not let this token read workspace app (HTTP 403): it needs read access to workspace app",
    );
  });

  it("asks for pages of 100, the API's maximum", async () => {
    const { seen, client } = await serve([200]);
    expect(
      await client.list("/organizations/acme/workspaces?filter[project][id]=prj-1", target),
    ).toHaveLength(1);
    const url = new URL(seen[0] ?? "", "http://x");
    expect(url.searchParams.get("page[size]")).toBe("100");
    expect(url.searchParams.get("filter[project][id]")).toBe("prj-1");
  });
});

/** A fetch whose calls hang until aborted, as a host that never answers does; records when each starts. */
function hangingFetch() {
  const starts: number[] = [];
  const fetchHanging = ((_url: unknown, init?: RequestInit) => {
    starts.push(performance.now());
    return new Promise<Response>((_resolve, reject) => {
      init?.signal?.addEventListener("abort", () => reject(init.signal?.reason), { once: true });
    });
  }) as typeof fetch;
  return { starts, fetchHanging };
}

/** A fetch that fails at once as a refused connection does (undici's TypeError, the code in its cause). */
function refusingFetch() {
  const starts: number[] = [];
  const fetchRefused = (async () => {
    starts.push(performance.now());
    const cause = Object.assign(new Error("connect ECONNREFUSED 10.0.0.1:443"), {
      code: "ECONNREFUSED",
    });
    throw new TypeError("fetch failed", { cause });
  }) as typeof fetch;
  return { starts, fetchRefused };
}

/** When a promise settled, in the fake clock's milliseconds; undefined while it has not. */
function settlement(promise: Promise<unknown>) {
  const state: { at?: number; error?: unknown } = {};
  promise.then(
    () => {
      state.at = performance.now();
    },
    (error: unknown) => {
      state.at = performance.now();
      state.error = error;
    },
  );
  return state;
}

describe("the HCP Terraform client and TLS certificates", () => {
  // A certificate for 127.0.0.1 that no CA signed, valid for a century, made with
  // openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 36500
  //   -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1
  const CERT = join(__dirname, "fixtures", "self-signed.cert.pem");
  const KEY = join(__dirname, "fixtures", "self-signed.key.pem");
  let tls: HttpsServer | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) =>
      tls === undefined ? resolve() : tls.close(() => resolve()),
    );
    tls = undefined;
  });

  /** An HTTPS server with the self-signed certificate; counts the connections it gets. */
  async function serveTls() {
    const seen = { connections: 0, requests: 0 };
    tls = createHttpsServer({ cert: readFileSync(CERT), key: readFileSync(KEY) }, (_req, res) => {
      seen.requests++;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ data: { id: "ws-1", type: "workspaces", attributes: {} } }));
    });
    tls.on("connection", () => {
      seen.connections++;
    });
    await new Promise<void>((resolve) => tls?.listen(0, "127.0.0.1", resolve));
    return { seen, address: `https://127.0.0.1:${(tls.address() as AddressInfo).port}` };
  }

  it("fails at once on a certificate it does not trust, naming the host and NODE_EXTRA_CA_CERTS", async () => {
    const { seen, address } = await serveTls();
    const client = new HcpClient({ address, token: "t", minRetryDelayMs: 1 });
    const error = await client.get("/workspaces/ws-1", target).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CannotCheckError);
    const host = new URL(address).host;
    expect((error as Error).message).toBe(
      `HCP Terraform at ${address} presented a TLS certificate that is not trusted (DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate) reading workspace app: if ${host} has a certificate of a private CA, set NODE_EXTRA_CA_CERTS to a file with that CA's certificate (PEM) and run again`,
    );
    // Not retried: one connection, and no request got through.
    expect(seen.connections).toBe(1);
    expect(client.requests).toBe(1);
    expect(seen.requests).toBe(0);
  });

  it("fails at once on an expired certificate too, without sending the reader to NODE_EXTRA_CA_CERTS", async () => {
    let calls = 0;
    const fetchExpired = (async () => {
      calls++;
      const cause = Object.assign(new Error("certificate has expired"), {
        code: "CERT_HAS_EXPIRED",
      });
      throw new TypeError("fetch failed", { cause });
    }) as typeof fetch;
    const client = new HcpClient({
      address: "https://tfe.example.com",
      token: "t",
      fetch: fetchExpired,
      minRetryDelayMs: 1,
    });
    await expect(client.get("/workspaces/ws-1", target)).rejects.toThrow(
      "HCP Terraform at https://tfe.example.com presented a TLS certificate that cannot be used (CERT_HAS_EXPIRED: certificate has expired) reading workspace app: the certificate of tfe.example.com must be fixed there",
    );
    expect(calls).toBe(1);
  });

  it("reads from that host once NODE_EXTRA_CA_CERTS names the certificate", async () => {
    const { seen, address } = await serveTls();
    const script = `
      const { HcpClient } = require(${JSON.stringify(join(__dirname, "..", "..", "lib", "live", "hcp-client.ts"))});
      new HcpClient({ address: process.argv[1], token: "t" })
        .get("/workspaces/ws-1", { object: "workspace app", permission: "p" })
        .then((ws) => console.log(ws.id), (e) => { console.error(e.message); process.exitCode = 1; });
    `;
    const { stdout } = await run(process.execPath, ["--import", "tsx", "-e", script, address], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: CERT },
    });
    expect(stdout.trim()).toBe("ws-1");
    expect(seen.requests).toBe(1);
  });
});

describe("the HCP Terraform client's retry budget", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("abandons each attempt at a host that never answers, retries, and gives up 30 s after the first attempt", async () => {
    const { starts, fetchHanging } = hangingFetch();
    const client = new HcpClient({
      address: "https://tfe.example.com",
      token: "t",
      fetch: fetchHanging,
    });
    const start = performance.now();
    const done = settlement(client.get("/workspaces/ws-1", target));
    await vi.advanceTimersByTimeAsync(30_000);
    expect(done.at).toBeDefined();
    expect((done.at ?? 0) - start).toBeLessThanOrEqual(30_000);
    expect(done.error).toBeInstanceOf(CannotCheckError);
    expect((done.error as Error).message).toBe(
      "cannot reach HCP Terraform at https://tfe.example.com (timed out) reading workspace app: check TFE_ADDRESS (or hcp.hostname) and the network",
    );
    // Attempts of 10 s with waits of 1-2 s and 2-4 s between them: three fit in the budget.
    expect(starts.length).toBeGreaterThanOrEqual(3);
  });

  it("gives up on a host that refuses connections within 30 s, though six doubling waits would take over a minute", async () => {
    const { starts, fetchRefused } = refusingFetch();
    const client = new HcpClient({
      address: "https://tfe.example.com",
      token: "t",
      fetch: fetchRefused,
    });
    const start = performance.now();
    const done = settlement(client.get("/workspaces/ws-1", target));
    await vi.advanceTimersByTimeAsync(30_000);
    expect(done.at).toBeDefined();
    expect((done.at ?? 0) - start).toBeLessThanOrEqual(30_000);
    expect((done.error as Error).message).toContain(
      "cannot reach HCP Terraform at https://tfe.example.com (ECONNREFUSED) reading workspace app",
    );
    // Waits of 1-2, 2-4, 4-8 and 8-16 s: at least five attempts fit.
    expect(starts.length).toBeGreaterThanOrEqual(4);
  });

  it("takes the budget from the options", async () => {
    const { fetchHanging } = hangingFetch();
    const client = new HcpClient({
      address: "https://tfe.example.com",
      token: "t",
      fetch: fetchHanging,
      retryBudgetMs: 5000,
    });
    const done = settlement(client.get("/workspaces/ws-1", target));
    await vi.advanceTimersByTimeAsync(4999);
    expect(done.at).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect((done.error as Error).message).toContain("(timed out)");
  });

  it("does not count the time a request waits behind the rate limit against its budget", async () => {
    // 40 requests at 1 a second: the last starts 39 s after the first. Each is answered 503 once.
    const answered = new Set<string>();
    const fetchOnce503 = (async (url: string | URL | Request) => {
      const key = String(url);
      if (!answered.has(key)) {
        answered.add(key);
        return new Response("", { status: 503 });
      }
      return new Response(JSON.stringify({ data: { id: key } }), { status: 200 });
    }) as typeof fetch;
    const client = new HcpClient({
      address: "https://tfe.example.com",
      token: "t",
      fetch: fetchOnce503,
      requestsPerSecond: 1,
    });
    const all = settlement(
      Promise.all(Array.from({ length: 40 }, (_, i) => client.get(`/x${i}`, target))),
    );
    await vi.advanceTimersByTimeAsync(200_000);
    expect(all.error).toBeUndefined();
    expect(all.at).toBeDefined();
    expect(client.requests).toBe(80);
  });
});

/** The most request starts that fall in any window of `windowMs` (half-open: [t, t + windowMs)). */
function busiestWindow(starts: readonly number[], windowMs: number): number {
  const sorted = [...starts].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while ((sorted[j] ?? 0) - (sorted[i] ?? 0) >= windowMs) i++;
    most = Math.max(most, j - i + 1);
  }
  return most;
}

describe("the HCP Terraform client's rate limit", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A client whose requests take `latencyMs` each, recording when each one starts. */
  function timedClient(options: { requestsPerSecond?: number; latencyMs?: number } = {}) {
    const starts: number[] = [];
    const fetchTimed = (async () => {
      starts.push(Date.now());
      const latency = options.latencyMs ?? 0;
      if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
      return new Response(JSON.stringify({ data: {} }), { status: 200 });
    }) as typeof fetch;
    const client = new HcpClient({
      address: "http://unused",
      token: "t",
      fetch: fetchTimed,
      ...(options.requestsPerSecond === undefined
        ? {}
        : { requestsPerSecond: options.requestsPerSecond }),
    });
    const get = (n: number) =>
      Promise.all(Array.from({ length: n }, (_, i) => client.get(`/x${i}`, target)));
    return { starts, get };
  }

  it("starts no more requests per second than asked", async () => {
    const { starts, get } = timedClient({ requestsPerSecond: 5 });
    const all = get(8);
    await vi.advanceTimersByTimeAsync(999);
    expect(starts).toHaveLength(5);
    await vi.advanceTimersByTimeAsync(2);
    await all;
    expect(starts).toHaveLength(8);
  });

  it("never starts more than 20 requests in any one-second window, even across the window a burst starts in", async () => {
    // One request opens a window; a burst arrives just before that window ends. A fixed window
    // lets 19 start at once and 20 more a few milliseconds later.
    const { starts, get } = timedClient({ latencyMs: 5 });
    const first = get(1);
    await vi.advanceTimersByTimeAsync(990);
    const burst = get(60);
    await vi.advanceTimersByTimeAsync(10_000);
    await Promise.all([first, burst]);
    expect(starts).toHaveLength(61);
    expect(busiestWindow(starts, 1000)).toBe(20);
  });

  it("holds at most 20 starts in every sliding second for any schedule of bursts", async () => {
    const burst = fc.record({
      afterMs: fc.integer({ min: 0, max: 1500 }),
      count: fc.integer({ min: 1, max: 30 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(burst, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 0, max: 60 }),
        async (bursts, latencyMs) => {
          const { starts, get } = timedClient({ latencyMs });
          const all: Promise<unknown>[] = [];
          for (const { afterMs, count } of bursts) {
            await vi.advanceTimersByTimeAsync(afterMs);
            all.push(get(count));
          }
          await vi.advanceTimersByTimeAsync(60_000);
          await Promise.all(all);
          expect(busiestWindow(starts, 1000)).toBeLessThanOrEqual(20);
        },
      ),
      { numRuns: 60 },
    );
  });

  it.each([
    [0, 100],
    [3, 45],
    [40, 200],
  ])(
    "holds at most 20 starts in every sliding second when each request takes %i ms (%i requests)",
    async (latencyMs, count) => {
      const { starts, get } = timedClient({ latencyMs });
      const all = get(count);
      await vi.advanceTimersByTimeAsync(60_000);
      await all;
      expect(starts).toHaveLength(count);
      expect(busiestWindow(starts, 1000)).toBeLessThanOrEqual(20);
      // And it does not crawl: the limit is reached.
      expect(busiestWindow(starts, 1000)).toBe(Math.min(20, count));
    },
  );
});

describe("the wait a rate-limited answer asks for", () => {
  it.each([
    [{ "retry-after": "2" }, 2000],
    [{ "retry-after": "Thu, 01 Jan 2099 00:00:10 GMT" }, 10_000],
    [{ "x-ratelimit-reset": "0.25" }, 250],
    [{}, undefined],
  ])("%j gives %s ms", (headers, ms) => {
    const now = Date.parse("Thu, 01 Jan 2099 00:00:00 GMT");
    expect(waitOf(new Headers(headers as Record<string, string>), now)).toBe(ms);
  });
});
