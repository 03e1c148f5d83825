import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { Transfers, type TransferApi } from "../../src/transfers/store.svelte";
import type { GraphNode, PullConfirmation, Pulled, PushResult, TransferProgress } from "../../src/ipc/bindings";
import type { OnProgress } from "../../src/ipc";

type Pending<T> = { resolve: (v: T) => void; reject: (e: unknown) => void; progress: OnProgress; op: string; args: unknown[] };

/** An API whose calls wait until the test settles them. */
function controllable() {
  const pending: Array<Pending<unknown>> = [];
  const take = (args: unknown[], op: string, progress: OnProgress) =>
    new Promise<never>((resolve, reject) => pending.push({ resolve: resolve as (v: unknown) => void, reject, progress, op, args }));
  const api = {
    push: vi.fn((plan: string, op: string, p: OnProgress) => take([plan], op, p)),
    pull: vi.fn((req: unknown, op: string, p: OnProgress) => take([req], op, p)),
    confirmPull: vi.fn((plan: string, op: string, p: OnProgress) => take([plan], op, p)),
    discardPull: vi.fn(async (plan: string) => void plan),
    copy: vi.fn((req: unknown, op: string, p: OnProgress) => take([req], op, p)),
    cancel: vi.fn(async (op: string) => {
      const call = pending.find((c) => c.op === op);
      call?.reject({ code: "cancelled", message: "cancelled" });
      return !!call;
    }),
  } satisfies TransferApi;
  return { api, pending };
}

const progress = (done: number, total = 100): TransferProgress => ({ done, total, rate: 10, etaSecs: 1, elapsedSecs: 1, blobs: [{ name: "a", digest: null, total, done, state: "running", error: null }] });
const node: GraphNode = { id: "sha256:new", kind: "sbom", format: "spdx", mediaType: "m", artifactType: "a", size: 1, annotations: {}, platform: null, tags: [], error: null };
const pushed: PushResult = { target: "r/app", digest: "sha256:new", artifactType: "a", tags: [], referrersTagUpdated: false, node, edge: { from: "sha256:s", to: "sha256:new", kind: "referrer", via: "api" } };

const confirmation: PullConfirmation = { plan: "pull-1", digest: "sha256:d", destination: "/home/a/app", replaces: ["a.txt"], count: 1, files: 2 };
const replaced: Pulled = { digest: "sha256:d", destination: "/home/a/app", files: ["a.txt", "b.txt"], replaced: ["a.txt"], skipped: [] };

describe("transfers store", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  test("progress shows at once, then at most every throttle interval; done keeps the result", async () => {
    const { api, pending } = controllable();
    const store = new Transfers(api, 250);
    const finished = vi.fn();
    store.onFinish(finished);
    const t = store.start({ kind: "push", plan: "p1", source: "r", repository: "app", subject: null, what: "1 file", total: 100 });
    expect(t.state).toBe("running");
    expect(store.running).toBe(1);
    const call = pending[0] as Pending<unknown>;
    call.progress(progress(10));
    expect(t.progress?.done).toBe(10);
    for (let i = 2; i <= 9; i++) call.progress(progress(i * 10));
    expect(t.progress?.done).toBe(10);
    await vi.advanceTimersByTimeAsync(250);
    expect(t.progress?.done).toBe(90);
    call.progress(progress(100));
    call.resolve(pushed);
    await vi.runAllTimersAsync();
    expect(t.state).toBe("done");
    expect(t.progress?.done).toBe(100);
    expect(t.digest).toBe("sha256:new");
    expect(store.running).toBe(0);
    expect(finished).toHaveBeenCalledWith(t);
  });

  test("a failed push keeps its error; retry pushes the same plan under a new op", async () => {
    const { api, pending } = controllable();
    const store = new Transfers(api, 250);
    const t = store.start({ kind: "attach", plan: "p7", source: "r", repository: "app", subject: "sha256:s", what: "1 file", total: 100 });
    (pending[0] as Pending<unknown>).reject({ code: "quota", message: "denied: quota exceeded" });
    await vi.runAllTimersAsync();
    expect(t.state).toBe("failed");
    expect(t.error).toEqual({ code: "quota", message: "denied: quota exceeded" });
    expect(store.failed).toBe(1);
    store.retry(t.id);
    expect(t.state).toBe("running");
    expect(t.error).toBeNull();
    expect(t.attempts).toBe(2);
    expect(api.push.mock.calls.map((c) => c[0])).toEqual(["p7", "p7"]);
    expect(api.push.mock.calls[0]?.[1]).not.toBe(api.push.mock.calls[1]?.[1]);
    (pending[1] as Pending<unknown>).resolve(pushed);
    await vi.runAllTimersAsync();
    expect(t.state).toBe("done");
    // Done transfers are not retried.
    expect(store.retry(t.id)).toBeUndefined();
  });

  test("pull and copy retry with the same arguments", async () => {
    const { api, pending } = controllable();
    const store = new Transfers(api);
    const pull = store.start({ kind: "pull", source: "r", repository: "app", reference: "v1" });
    const copy = store.start({ kind: "copy", source: "local", repository: "app", reference: "v1", target: { source: "ghcr.io", repository: "acme/app", tag: null }, referrers: true });
    expect(store.items[0]).toBe(copy);
    for (const p of pending.splice(0)) p.reject({ code: "unreachable", message: "no route" });
    await vi.runAllTimersAsync();
    store.retry(pull.id);
    store.retry(copy.id);
    expect(api.pull.mock.calls[1]?.[0]).toEqual(api.pull.mock.calls[0]?.[0]);
    expect(api.pull.mock.calls[0]?.[0]).toEqual({ source: "r", repository: "app", reference: "v1" });
    expect(api.copy.mock.calls[1]?.[0]).toEqual(api.copy.mock.calls[0]?.[0]);
    expect(api.copy.mock.calls[0]?.[0]).toEqual({ source: "local", repository: "app", reference: "v1", target: { source: "ghcr.io", repository: "acme/app", tag: null }, referrers: true });
  });

  test("cancel: cancelling until the shell confirms, then cancelled with no error", async () => {
    const { api } = controllable();
    const store = new Transfers(api);
    const finished = vi.fn();
    store.onFinish(finished);
    const t = store.start({ kind: "pull", source: "r", repository: "app", reference: "v1" });
    const cancelling = store.cancel(t.id);
    expect(t.cancelling).toBe(true);
    expect(api.cancel).toHaveBeenCalledWith(t.op);
    await cancelling;
    await vi.runAllTimersAsync();
    expect(t.state).toBe("cancelled");
    expect(t.error).toBeNull();
    expect(t.cancelling).toBe(false);
    expect(finished).toHaveBeenCalledTimes(1);
    store.retry(t.id);
    expect(t.state).toBe("running");
  });

  test("a pull whose folder dialog was cancelled leaves no transfer behind", async () => {
    const { api, pending } = controllable();
    const store = new Transfers(api);
    store.start({ kind: "pull", source: "r", repository: "app", reference: "v1" });
    (pending[0] as Pending<unknown>).resolve(null);
    await vi.runAllTimersAsync();
    expect(store.items).toEqual([]);
  });

  test("a pull that would replace files asks; Replace runs the kept plan under the same op", async () => {
    const { api, pending } = controllable();
    const store = new Transfers(api);
    const asked: PullConfirmation[] = [];
    let answer: (replace: boolean) => void = () => {};
    store.askReplace = (c) => {
      asked.push(c);
      return new Promise((resolve) => (answer = resolve));
    };
    const t = store.start({ kind: "pull", source: "r", repository: "app", reference: "v1" });
    (pending[0] as Pending<unknown>).resolve({ kind: "confirm", ...confirmation });
    await vi.runAllTimersAsync();
    expect(asked).toEqual([{ kind: "confirm", ...confirmation }]);
    expect(t.state).toBe("running");
    expect(t.asking?.plan).toBe("pull-1");
    expect(api.confirmPull).not.toHaveBeenCalled();
    answer(true);
    await vi.runAllTimersAsync();
    expect(t.asking).toBeNull();
    expect(api.confirmPull).toHaveBeenCalledTimes(1);
    expect(api.confirmPull.mock.calls[0]?.[0]).toBe("pull-1");
    expect(api.confirmPull.mock.calls[0]?.[1]).toBe(t.op);
    expect(api.discardPull).not.toHaveBeenCalled();
    (pending[1] as Pending<unknown>).resolve(replaced);
    await vi.runAllTimersAsync();
    expect(t.state).toBe("done");
    expect(t.result).toEqual({ kind: "pull", value: replaced });
  });

  test("a pull the user would not let replace files discards its plan and leaves no transfer", async () => {
    const { api, pending } = controllable();
    const store = new Transfers(api);
    const finished = vi.fn();
    store.onFinish(finished);
    store.askReplace = () => Promise.resolve(false);
    store.start({ kind: "pull", source: "r", repository: "app", reference: "v1" });
    (pending[0] as Pending<unknown>).resolve({ kind: "confirm", ...confirmation });
    await vi.runAllTimersAsync();
    expect(api.discardPull).toHaveBeenCalledWith("pull-1");
    expect(api.confirmPull).not.toHaveBeenCalled();
    expect(store.items).toEqual([]);
    expect(finished).not.toHaveBeenCalled();
  });

  test("with nobody to ask, a pull never replaces files", async () => {
    const { api, pending } = controllable();
    const store = new Transfers(api);
    store.start({ kind: "pull", source: "r", repository: "app", reference: "v1" });
    (pending[0] as Pending<unknown>).resolve({ kind: "confirm", ...confirmation });
    await vi.runAllTimersAsync();
    expect(api.confirmPull).not.toHaveBeenCalled();
    expect(api.discardPull).toHaveBeenCalledWith("pull-1");
  });

  test("finished transfers can be dismissed; running ones stay", async () => {
    const { api, pending } = controllable();
    const store = new Transfers(api);
    const a = store.start({ kind: "pull", source: "r", repository: "app", reference: "v1" });
    const b = store.start({ kind: "pull", source: "r", repository: "app", reference: "v2" });
    (pending[0] as Pending<unknown>).reject({ code: "x", message: "y" });
    await vi.runAllTimersAsync();
    store.dismiss(b.id);
    expect(store.items).toHaveLength(2);
    store.clearFinished();
    expect(store.items.map((t) => t.id)).toEqual([b.id]);
    expect(a.state).toBe("failed");
  });
});
