/**
 * `expect.poll` for helpers of concurrent journeys: the global `expect.poll` belongs to one
 * running test and refuses to run once several do, so shared helpers poll with this instead
 * (test bodies use the `expect` of their own test context).
 */

/**
 * Reads a value until `check` (an assertion) accepts it, and fails with the last assertion error
 * once `timeout` ms have passed.
 */
export async function eventually<T>(
  read: () => Promise<T> | T,
  check: (value: T) => void,
  { timeout = 5_000, interval = 100 }: { timeout?: number; interval?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await read();
    try {
      check(value);
      return value;
    } catch (error) {
      if (Date.now() >= deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
