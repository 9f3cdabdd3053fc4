/**
 * The rate-limit bindings count in windows of their period (60 s here) that start on the minute
 * (Miniflare's simulation, as `wrangler dev` and the tests run it). A test that must see exactly
 * the request that goes over a limit starts early in a window, so that no rollover resets the
 * count halfway: it waits for the next window when less than `needs` ms of this one remain.
 */
export async function freshWindow(needs = 20_000, period = 60_000): Promise<void> {
  const left = period - (Date.now() % period);
  if (left < needs) await new Promise((resolve) => setTimeout(resolve, left + 50));
}

/** How long a test that waits for a fresh window may take. */
export const WINDOW_TEST_TIMEOUT = 90_000;

/**
 * A client address no other test uses, even in another file running at the same time (the limits
 * count an IPv6 client by its /64: the random part is there).
 */
export function ownAddress(): string {
  const [a, b] = crypto.getRandomValues(new Uint16Array(2));
  return `2001:db8:${a!.toString(16)}:${b!.toString(16)}::1`;
}
