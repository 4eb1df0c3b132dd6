/**
 * A read-only client for the HCP Terraform / Terraform Enterprise JSON:API.
 * https://developer.hashicorp.com/terraform/cloud-docs/api-docs
 *
 * Requests go through one queue: a bounded number at a time, and at most `requestsPerSecond`
 * started in any one second (a sliding window, wherever the second starts), below the API's 30
 * requests per second per user, as go-tfe throttles itself. A 429 is retried after the wait the
 * server names (`Retry-After`, or go-tfe's `X-RateLimit-Reset`), other transient failures (5xx,
 * network, an attempt that times out) with exponential backoff (p-retry), all within one budget
 * per request: its attempts and the waits between them take at most `retryBudgetMs` in all (time
 * waiting in the queue for its turn is not counted), so an unreachable host is given up on in
 * about 30 s. Lists are read 100 items a page, the API's maximum.
 */
import PQueue from "p-queue";
import pRetry from "p-retry";
import { CannotCheckError, certificateProblem, networkCode } from "./errors";

export interface HcpClientOptions {
  /** `https://HOST`, where `/api/v2` is served. */
  readonly address: string;
  readonly token: string;
  /** @default 8 */
  readonly concurrency?: number;
  /** @default 20 */
  readonly requestsPerSecond?: number;
  /** Retries of one request after a 429, a 5xx, a network error or a timeout. @default 6 */
  readonly retries?: number;
  /** The first backoff; it doubles at each retry (times 1 to 2, at random). @default 1000 */
  readonly minRetryDelayMs?: number;
  /** The longest wait for a rate limit to reset. @default 60000 */
  readonly maxRateLimitWaitMs?: number;
  /** How long one attempt may take before it is abandoned (and retried). @default 10000 */
  readonly timeoutMs?: number;
  /**
   * How long one request may keep trying: its attempts and the waits between them, from its first
   * attempt, not counting time spent waiting in the queue for its turn. @default 30000
   */
  readonly retryBudgetMs?: number;
  readonly fetch?: typeof fetch;
}

/** A JSON:API resource object. */
export interface Resource {
  readonly id: string;
  readonly type: string;
  readonly attributes: Record<string, unknown>;
  readonly relationships?: Record<string, { readonly data?: unknown }>;
}

/** What a request reads, for messages: the object, and the permission a token needs to read it. */
export interface Target {
  readonly object: string;
  readonly permission: string;
}

const PAGE_SIZE = 100;

class RetryableResponse extends Error {
  constructor(
    readonly status: number,
    readonly waitMs: number | undefined,
  ) {
    super(`HTTP ${status}`);
  }
}

export class HcpClient {
  /** Requests sent, retries included. */
  requests = 0;
  private readonly queue: PQueue;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly options: HcpClientOptions) {
    this.queue = new PQueue({
      concurrency: options.concurrency ?? 8,
      intervalCap: options.requestsPerSecond ?? 20,
      // A sliding window: no second, wherever it starts, holds more than intervalCap starts. The
      // default fixed window lets a burst straddle a window's end: twice the rate within a second.
      strict: true,
      // One millisecond more than a second: the queue reads the clock in whole milliseconds, so
      // two starts 1000 of them apart may be only 999.x ms apart.
      interval: 1001,
    });
    this.fetchFn = options.fetch ?? fetch;
  }

  /** One resource; `undefined` on 404 (absent, or hidden from this token: the API does not say which). */
  async get(path: string, target: Target): Promise<Resource | undefined> {
    const body = await this.request(path, target);
    return body === undefined ? undefined : (body.data as Resource);
  }

  /** Every item of a list, page by page; `undefined` on 404. */
  async list(path: string, target: Target): Promise<Resource[] | undefined> {
    const items: Resource[] = [];
    for (let page = 1; ; page++) {
      const url = new URL(path, "http://path.invalid");
      url.searchParams.set("page[size]", String(PAGE_SIZE));
      url.searchParams.set("page[number]", String(page));
      const body = await this.request(`${url.pathname}${url.search}`, target);
      if (body === undefined) return page === 1 ? undefined : items;
      if (!Array.isArray(body.data)) {
        throw new CannotCheckError(
          `HCP Terraform at ${this.options.address} answered something other than a list reading ${target.object}`,
        );
      }
      items.push(...(body.data as Resource[]));
      const pagination = (body.meta as { pagination?: Record<string, unknown> } | undefined)
        ?.pagination;
      const next = pagination?.["next-page"];
      if (typeof next !== "number" || next <= page) return items;
    }
  }

  private async request(
    path: string,
    target: Target,
  ): Promise<Record<string, unknown> | undefined> {
    const url = `${this.options.address.replace(/\/+$/, "")}/api/v2${path}`;
    const budget = this.options.retryBudgetMs ?? 30_000;
    // Time spent trying: attempts and the waits between them, not turns waited in the queue.
    let spent = 0;
    let attempts = 0;
    let retry = false;
    const attempt = async () => {
      attempts++;
      this.requests++;
      const started = performance.now();
      try {
        return await this.attempt(url, target, Math.min(this.timeoutMs, budget - spent));
      } finally {
        spent += performance.now() - started;
      }
    };
    try {
      return await pRetry(() => this.queue.add(attempt), {
        retries: this.options.retries ?? 6,
        // The waits are made in onFailedAttempt, where the budget is known; none here.
        minTimeout: 0,
        onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
          const wait = retriesLeft > 0 ? this.waitBefore(error, attemptNumber) : undefined;
          retry = wait !== undefined && wait < budget - spent;
          if (!retry || wait === undefined) return;
          spent += wait;
          await sleep(wait);
        },
        shouldRetry: () => retry,
      });
    } catch (error) {
      throw this.failure(error, target, attempts);
    }
  }

  private get timeoutMs(): number {
    return this.options.timeoutMs ?? 10_000;
  }

  /** How long to wait before retrying after an error; undefined when it is not to be retried. */
  private waitBefore(error: Error, attemptNumber: number): number | undefined {
    if (error instanceof RetryableResponse && error.waitMs !== undefined)
      return Math.min(error.waitMs, this.options.maxRateLimitWaitMs ?? 60_000);
    if (certificateProblem(error) !== undefined) return undefined;
    const transient =
      error instanceof RetryableResponse ||
      error.name === "TimeoutError" ||
      networkCode(error) !== undefined;
    if (!transient) return undefined;
    const first = this.options.minRetryDelayMs ?? 1000;
    return Math.round(first * 2 ** (attemptNumber - 1) * (1 + Math.random()));
  }

  /** One request, abandoned after `timeoutMs`: the answer, read to the end. */
  private async attempt(
    url: string,
    target: Target,
    timeoutMs: number,
  ): Promise<Record<string, unknown> | undefined> {
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new DOMException("The request timed out", "TimeoutError")),
      Math.max(0, timeoutMs),
    );
    try {
      // A network error throws here; it is retried, then reported by failure().
      const response = await this.fetchFn(url, {
        signal: controller.signal,
        headers: {
          Authorization: `Bearer ${this.options.token}`,
          Accept: "application/vnd.api+json",
        },
      });
      if (response.status === 429 || response.status >= 500) {
        await response.body?.cancel();
        throw new RetryableResponse(response.status, waitOf(response.headers));
      }
      return await this.read(response, target, controller.signal);
    } finally {
      clearTimeout(timer);
    }
  }

  private async read(
    response: Response,
    target: Target,
    signal: AbortSignal,
  ): Promise<Record<string, unknown> | undefined> {
    const where = `HCP Terraform at ${this.options.address}`;
    if (response.status === 404) {
      await response.body?.cancel();
      return undefined;
    }
    if (response.status === 401) {
      await response.body?.cancel();
      throw new CannotCheckError(
        `${where} refused the token (HTTP 401) reading ${target.object}: TFE_TOKEN is missing, expired or revoked. Set TFE_TOKEN to a valid team or user token`,
      );
    }
    if (response.status === 403) {
      await response.body?.cancel();
      throw new CannotCheckError(
        `${where} does not let this token read ${target.object} (HTTP 403): it needs ${target.permission}`,
      );
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new CannotCheckError(
        `${where} answered HTTP ${response.status} reading ${target.object}`,
      );
    }
    try {
      return (await response.json()) as Record<string, unknown>;
    } catch {
      // Abandoned halfway through the body: a timeout, retried as one.
      if (signal.aborted) throw signal.reason;
      throw new CannotCheckError(
        `${where} answered something other than JSON reading ${target.object}`,
      );
    }
  }

  private failure(error: unknown, target: Target, attempts: number): Error {
    if (error instanceof CannotCheckError) return error;
    const where = `HCP Terraform at ${this.options.address}`;
    const retries = attempts - 1;
    if (error instanceof RetryableResponse) {
      return new CannotCheckError(
        error.status === 429
          ? `${where} kept answering HTTP 429 (rate limited) reading ${target.object}, ${retries} retries later; run again later, or when fewer other clients use the same token's user`
          : `${where} kept answering HTTP ${error.status} reading ${target.object}, ${retries} retries later`,
      );
    }
    const certificate = certificateProblem(error);
    if (certificate !== undefined) {
      const host = new URL(this.options.address).host;
      return new CannotCheckError(
        certificate.untrusted
          ? `${where} presented a TLS certificate that is not trusted (${certificate.code}: ${certificate.reason}) reading ${target.object}: if ${host} has a certificate of a private CA, set NODE_EXTRA_CA_CERTS to a file with that CA's certificate (PEM) and run again`
          : `${where} presented a TLS certificate that cannot be used (${certificate.code}: ${certificate.reason}) reading ${target.object}: the certificate of ${host} must be fixed there, or TFE_ADDRESS must name the host it is for (NODE_EXTRA_CA_CERTS, which adds trusted CAs, does not help here)`,
      );
    }
    const code = (error as Error).name === "TimeoutError" ? "timed out" : networkCode(error);
    return new CannotCheckError(
      `cannot reach ${where}${code === undefined ? "" : ` (${code})`} reading ${target.object}: check TFE_ADDRESS (or hcp.hostname) and the network`,
    );
  }
}

/** How long the server asks to wait, in ms: `Retry-After` (seconds or a date), else `X-RateLimit-Reset` (seconds). */
export function waitOf(headers: Headers, now = Date.now()): number | undefined {
  const retryAfter = headers.get("retry-after");
  if (retryAfter !== null) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const reset = Number(headers.get("x-ratelimit-reset") ?? Number.NaN);
  return Number.isFinite(reset) && reset >= 0 ? reset * 1000 : undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
