/**
 * The agent behind a console request, and their audit trail. Every agent action (taking a
 * member, opening a review, deciding, being refused) is an audit event in the accounts table
 * (lambdas/store/verification.ts `auditPut`): ids and codes only, never a member's personal data.
 */
import { newId } from '../core/ids.ts';
import type { TransactItem } from '../store/dynamo.ts';
import { auditPut, writeAudit } from '../store/verification.ts';

export interface Agent {
  /** The workforce username (`cognito:username`). */
  readonly username: string;
  /** The email of their workforce account: no agent decides on an account that holds it. */
  readonly email: string;
}

export type AuditEvent =
  | 'agent-took-member'
  | 'agent-viewed-review'
  | 'agent-approved'
  | 'agent-denied'
  | 'agent-flagged-fraud'
  | 'agent-refused-own-account'
  | 'agent-refused-ssn-held';

interface AuditFacts {
  readonly reviewId: string;
  readonly accountId: string;
  /** A denial's reason code. */
  readonly reason?: string;
}

const record = (event: AuditEvent, agent: Agent, facts: AuditFacts): Record<string, string> => ({
  event,
  agent: agent.username,
  reviewId: facts.reviewId,
  accountId: facts.accountId,
  ...(facts.reason ? { reason: facts.reason } : {}),
});

/** An audit event as an item of the transaction that does what it records. */
export const auditItem = (event: AuditEvent, agent: Agent, facts: AuditFacts, now: Date): TransactItem =>
  auditPut(now.toISOString(), newId(), record(event, agent, facts));

export const audit = (event: AuditEvent, agent: Agent, facts: AuditFacts, now: Date): Promise<void> =>
  writeAudit(now.toISOString(), newId(), record(event, agent, facts));
