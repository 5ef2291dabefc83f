/** Global setup of the browser layer: makes sure Chromium is there (see lib/local/chromium.ts). */
import type { TestProject } from 'vitest/node';
import { ensureChromium } from '../../lib/local/chromium.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    chromiumPath: string;
  }
}

export default function setup(project: TestProject) {
  project.provide('chromiumPath', ensureChromium());
}
