/** What bench/run.ts needs from a suite. Each suite prints its own table and owns one key of results.json. */

export interface SuiteOutcome<T> {
  /** Written to results.json under the suite's key. */
  readonly results: T;
  /**
   * What could not be measured at all (a bundle that does not build, a module that crashes on
   * import). Missed targets are NOT failures: the bench reports them and still exits 0.
   */
  readonly failures: readonly string[];
}

export interface Suite<T = unknown> {
  readonly key: string;
  readonly title: string;
  run(): Promise<SuiteOutcome<T>>;
}
