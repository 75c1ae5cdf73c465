/**
 * How the message list groups: consecutive messages from one author within a few minutes
 * share one header, and a line names each new day (Today, Yesterday, or the date). Pure
 * functions of times, for tests; render.ts applies them to the list.
 */

/** Messages from one author closer than this share a header. */
export const GROUP_GAP_MS = 5 * 60_000;

const DATE_FORMAT = new Intl.DateTimeFormat(undefined, {
  weekday: 'long',
  year: 'numeric',
  month: 'long',
  day: 'numeric',
});

/** The local calendar day of `time`, as a key to compare. */
export function dayKey(time: Date): string {
  return `${time.getFullYear()}-${time.getMonth() + 1}-${time.getDate()}`;
}

/** "Today", "Yesterday" or the full date, in local time. */
export function dayLabel(time: Date, now: Date, format = DATE_FORMAT): string {
  if (dayKey(time) === dayKey(now)) return 'Today';
  const yesterday = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1);
  if (dayKey(time) === dayKey(yesterday)) return 'Yesterday';
  return format.format(time);
}

export interface Stamp {
  userId: string;
  time: Date;
}

/** `next` goes under `previous`'s header: same author, same day, within GROUP_GAP_MS. */
export function continues(previous: Stamp | undefined, next: Stamp): boolean {
  if (!previous || previous.userId !== next.userId) return false;
  const gap = next.time.getTime() - previous.time.getTime();
  return gap >= 0 && gap < GROUP_GAP_MS && dayKey(previous.time) === dayKey(next.time);
}
