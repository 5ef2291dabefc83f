/**
 * `npm start` itself (bin/local.ts): Ctrl-C leaves nothing running or listening, a restart keeps
 * state, and a taken port or a missing Java ends in one clear line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../lib/local/processes.ts';
import { freePorts, launchLocal, startLocalVerity } from '../support/local-verity.ts';

async function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(true));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(false)));
  });
}

/** Starting a whole Verity (Java included) takes seconds, and longer on a busy machine. */
const STARTS = { timeout: 120_000 };

describe('npm start', () => {
  it('stops every service, Java included, on Ctrl-C and leaves no port listening', STARTS, async () => {
    const verity = await startLocalVerity();
    const ports = Object.values(verity.ports);
    expect((await Promise.all(ports.map(isListening))).every(Boolean)).toBe(true);
    expect(await verity.stop('SIGINT')).toBe(0);
    expect(await Promise.all(ports.map(isListening))).toEqual(ports.map(() => false));
    rmSync(verity.dataDir, { recursive: true, force: true });
  });

  it('keeps accounts data and the seeded workforce across a restart', STARTS, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'verity-restart-'));
    const ports = await freePorts();
    const options = { dataDir, ports, env: { VERITY_IN_MEMORY: '0' } };
    const first = await startLocalVerity(options);
    const endpoint = first.state.endpoints.dynamodb;
    const client = () =>
      DynamoDBDocumentClient.from(
        new DynamoDBClient({
          endpoint,
          region: 'us-east-1',
          credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
        }),
      );
    const TableName = first.state.handlerEnvironment.TABLE_ACCOUNTS;
    await client().send(new PutCommand({ TableName, Item: { pk: 'RESTART', sk: 'CHECK', note: 'kept' } }));
    expect(await first.stop()).toBe(0);

    const second = await startLocalVerity(options);
    const item = await client().send(new GetCommand({ TableName, Key: { pk: 'RESTART', sk: 'CHECK' } }));
    expect(item.Item?.note).toBe('kept');
    expect(second.state.workforce.userPoolId).toBe(first.state.workforce.userPoolId);
    expect(second.state.workforce.users).toEqual(first.state.workforce.users);
    expect(await second.stop()).toBe(0);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stops with one clear line when a port is taken', async () => {
    const ports = await freePorts();
    const taken = createServer();
    await new Promise<void>((ok) => taken.listen(ports.VERITY_PORT, '127.0.0.1', () => ok()));
    const run = await launchLocal({ ports });
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain(
      `Port ${ports.VERITY_PORT} (the Verity site) is already in use. Stop what is using it, or pick another port: VERITY_PORT=<port> npm start`,
    );
    taken.close();
    rmSync(run.dataDir, { recursive: true, force: true });
  });

  it('stops with one clear line, and the install command, when Java is missing', async () => {
    const run = await launchLocal({
      env: { JAVA_HOME: '/nonexistent-java' },
      ports: { VERITY_PORT: await freePort() },
    });
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('DynamoDB Local needs Java 17 or newer');
    expect(run.output()).toContain('apt-get install -y openjdk-17-jre-headless');
    rmSync(run.dataDir, { recursive: true, force: true });
  });
});
