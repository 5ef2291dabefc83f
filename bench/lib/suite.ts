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

/** The suite's key of the results.json a run is about to replace, with that file's date and machine. */
export interface PreviousResults {
  readonly date: string;
  /** The CPU model it was measured on: times from another machine are not comparable. */
  readonly cpu: string | undefined;
  readonly results: unknown;
}

export interface Suite<T = unknown> {
  readonly key: string;
  readonly title: string;
  /** `previous`: to show what a change did; a suite may ignore it. */
  run(previous?: PreviousResults): Promise<SuiteOutcome<T>>;
}
