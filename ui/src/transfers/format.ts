// How progress reads: "1.2 GiB of 3.4 GiB · 45 MiB/s · 52 s left".
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

export function etaText(secs: number | null): string {
  if (secs === null || !Number.isFinite(secs)) return "";
  return `${durationText(secs)} left`;
}

/** The overall line under a transfer's bar. */
export function progressLine(p: TransferProgress): string {
  const parts = [`${humanSize(p.done)} of ${humanSize(p.total)}`];
  const rate = rateText(p.rate);
  if (rate) parts.push(rate);
  const eta = etaText(p.etaSecs);
  if (eta && p.done < p.total) parts.push(eta);
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
