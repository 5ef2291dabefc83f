/**
 * The data the regional stack is built from: lib/routes.ts and lib/tables.ts. The app always
 * passes these; tests may pass variants (a handler with grants the shipped ones lack yet).
 */
import {
  type Access,
  defaultRoute,
  type HandlerDefinition,
  handlers,
  type Route,
  routes,
  type WorkerDefinition,
  workers,
} from '../routes.ts';
import { type TableDefinition, tables } from '../tables.ts';

/** A route of lib/routes.ts, with the handler name widened so that tests can add handlers. */
export type ManifestRoute = Omit<Route, 'handler'> & { readonly handler: string };

export interface VerityManifest {
  readonly routes: readonly ManifestRoute[];
  readonly defaultRoute: { readonly handler: string; readonly access: Access };
  readonly handlers: Readonly<Record<string, HandlerDefinition>>;
  readonly workers: Readonly<Record<string, WorkerDefinition>>;
  readonly tables: readonly TableDefinition[];
}

export const verityManifest: VerityManifest = { routes, defaultRoute, handlers, workers, tables };
