/**
 * The queue as an agent sees it: how many are waiting and for how long, nothing about who they
 * are (the member is seen only once taken, in their review).
 */
import * as queue from '../store/video-queue.ts';

export interface QueueOverview {
  /** Oldest first. */
  readonly waiting: readonly {
    /** Whole minutes since the member joined. */
    readonly minutes: number;
    /** The member stepped away (their place is kept): agents skip them until they are back. */
    readonly away: boolean;
  }[];
}

export async function queueOverview(now: Date): Promise<QueueOverview> {
  const places = await queue.waiting(now);
  return {
    waiting: places.map((p) => ({
      minutes: Math.max(0, Math.floor((now.getTime() - Date.parse(p.queuedAt)) / 60_000)),
      away: p.away === true,
    })),
  };
}
