// How progress reads: "1.2 GiB of 3.4 GiB · 45 MiB/s · 55 s left".
import type { BlobState, TransferProgress } from "../ipc";
import { humanSize } from "../lib/format";

/** 0..100, whole; 0 while the total is unknown. */
export function percent(done: number, total: number): number {
  if (!(total > 0)) return 0;
  return Math.max(0, Math.min(100, Math.floor((done / total) * 100)));
}

export function rateText(bytesPerSecond: number): string {
  if (!(bytesPerSecond > 0)) return "";
  return `${humanSize(Math.round(bytesPerSecond))}/s`;
}

export function durationText(secs: number): string {
  const s = Math.max(0, Math.round(secs));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} min`;
}

/** Time left, as coarse as an estimate is good: "a few seconds", "25 s", "4 min", "1 h 20 min". */
export function etaText(secs: number | null): string {
  if (secs === null || !Number.isFinite(secs) || secs < 0) return "";
  if (secs < 10) return "a few seconds left";
  if (secs < 60) return `${Math.ceil(secs / 5) * 5} s left`;
  const m = Math.round(secs / 60);
  if (m < 60) return `${m} min left`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} min left`;
}

/** Before this many seconds, a transfer is still finding its pace (tokens, HEADs, the first bytes). */
export const ETA_AFTER_SECS = 3;
/** How long the finish time the reports point at must hold still before it is shown. */
const ETA_STEADY_SECS = 1;
/** How still: the spread of those finish times, as a fraction of the time left. */
const ETA_SPREAD = 0.2;
/** How much of a new report goes into the estimate; the rest is the last estimate, counted down. */
const ETA_WEIGHT = 0.3;

/**
 * Time left that does not jump about: nothing in the first seconds, nor while the finish time
 * the reports point at still moves (the rate is still climbing after a quiet start); from then on
 * the remaining bytes over the recent rate, smoothed, and counting down on its own between
 * reports. The shell's own figure is the last instant's, which right after the start (a copy
 * resolving manifests moves no bytes) says minutes for a job of seconds.
 */
export class EtaEstimator {
  private estimate: number | null = null;
  private at = 0;
  /** (elapsed, the finish time that report pointed at), over the last ETA_STEADY_SECS. */
  private ends: Array<[number, number]> = [];
  private settled = false;

  /** The estimate after this report, in seconds; null while there is none worth showing. */
  update(p: Pick<TransferProgress, "done" | "total" | "rate" | "elapsedSecs">): number | null {
    const t = p.elapsedSecs;
    if (t < ETA_AFTER_SECS || !(p.total > 0) || p.done >= p.total || !(p.rate > 0)) return this.shown(t);
    const raw = (p.total - p.done) / p.rate;
    const carried = this.estimate === null ? raw : Math.max(0, this.estimate - (t - this.at));
    this.estimate = carried + ETA_WEIGHT * (raw - carried);
    this.at = t;
    if (!this.settled) {
      this.ends.push([t, t + raw]);
      while (this.ends.length > 1 && (this.ends[1]?.[0] ?? t) <= t - ETA_STEADY_SECS) this.ends.shift();
      const [since] = this.ends[0] ?? [t];
      const finishes = this.ends.map(([, end]) => end);
      const spread = Math.max(...finishes) - Math.min(...finishes);
      if (t - since >= ETA_STEADY_SECS && spread <= ETA_SPREAD * raw) {
        this.settled = true;
        this.ends = [];
        // The pace is found: start from it, not from what the climb left in the average.
        this.estimate = raw;
      }
    }
    return this.shown(t);
  }

  /** Once shown, an estimate stays (counting down) rather than blink on a stall. */
  private shown(now: number): number | null {
    if (!this.settled || this.estimate === null) return null;
    return Math.max(0, this.estimate - Math.max(0, now - this.at));
  }
}

/** The overall line under a transfer's bar; `eta` from an EtaEstimator, null while it has none. */
export function progressLine(p: TransferProgress, eta: number | null = null): string {
  const parts = [`${humanSize(p.done)} of ${humanSize(p.total)}`];
  const rate = rateText(p.rate);
  if (rate) parts.push(rate);
  const left = etaText(eta);
  if (left && p.done < p.total) parts.push(left);
  return parts.join(" · ");
}

export const BLOB_STATE_WORDS: Record<BlobState, string> = {
  waiting: "waiting",
  running: "sending",
  uploaded: "uploaded",
  skipped: "already there",
  mounted: "mounted",
  downloaded: "downloaded",
  failed: "failed",
};
