/**
 * Runs `work` for every item, `slots` at a time; each call is told its slot (0..slots-1), which no
 * other call holds meanwhile (e.g. a lane: one worker identity per slot).
 */
export async function forEachConcurrently<T>(
  items: readonly T[],
  slots: number,
  work: (item: T, slot: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const run = async (slot: number) => {
    while (next < items.length) await work(items[next++]!, slot);
  };
  await Promise.all(Array.from({ length: Math.min(slots, items.length) }, (_, slot) => run(slot)));
}
