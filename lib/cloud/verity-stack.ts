/**
 * The regional stack: everything Verity runs on except the two things CloudFront needs from
 * us-east-1 (VerityEdgeStack). Read top to bottom, the constructor is the architecture of
 * docs/architecture.md: key -> tables, buckets, mail and its queue, workforce pool -> handlers and
 * workers -> HTTP API -> CloudFront.
 */
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { Construct } from 'constructs';
import { handlerEnvironment } from '../environment.ts';
import type { VerityConfig } from './config.ts';
import { DataTables } from './data-tables.ts';
import { EncryptionKey } from './encryption-key.ts';
import { EvidenceBucket } from './evidence-bucket.ts';
import { DEFAULT_TIMEOUT_SECONDS, HandlerFunctions } from './handler-functions.ts';
import { VerityHttpApi } from './http-api.ts';
import { LogBucket } from './log-bucket.ts';
import { Mail } from './mail.ts';
import { MailQueue } from './mail-queue.ts';
import { type VerityManifest, verityManifest } from './manifest.ts';
import { PepperKey } from './pepper-key.ts';
import { StaticSite } from './static-site.ts';
import { WorkforcePool } from './workforce-pool.ts';

export interface VerityStackProps extends StackProps {
  readonly config: VerityConfig;
  readonly projectRoot: string;
  readonly webAclArn: string;
  readonly certificate: ICertificate | undefined;
  readonly manifest?: VerityManifest;
}

export class VerityStack extends Stack {
  constructor(scope: Construct, id: string, props: VerityStackProps) {
    const { config, projectRoot } = props;
    super(scope, id, {
      ...props,
      env: { account: config.account, region: config.region },
      description: `Verity ${config.stage} ${config.version}: OpenID Connect identity provider`,
    });
    const manifest = props.manifest ?? verityManifest;

    const { key } = new EncryptionKey(this, 'EncryptionKey', config);
    const data = new DataTables(this, 'Tables', { config, key, definitions: manifest.tables });
    const { bucket: accessLogs } = new LogBucket(this, 'AccessLogs', config);
    const evidence = new EvidenceBucket(this, 'Evidence', { config, key, accessLogs });
    const mail = new Mail(this, 'Mail', config);
    const mailQueue = new MailQueue(this, 'MailQueue', { key, workerTimeout: mailWorkerTimeout(manifest) });
    const workforce = new WorkforcePool(this, 'Workforce', config);
    const pepper = new PepperKey(this, 'Pepper', config);

    const environment = handlerEnvironment({
      stage: config.stage,
      version: config.version,
      tableNames: data.physicalNames(),
      mailFrom: config.mailFrom,
      siteUrl: config.domainName ? `https://${config.domainName}` : undefined,
      pepper: { kmsKeyId: pepper.key.keyArn },
      // Field encryption wraps its data keys with the stack key (handler-functions.ts grants it).
      dataKey: { kmsKeyId: key.keyArn },
      smsOriginationIdentity: config.smsOriginationIdentity,
      mailQueueUrl: mailQueue.queue.queueUrl,
      // Every handler gets the same environment; only the roles of usesEvidence and
      // checksIdentity handlers can reach the bucket (handler-functions.ts).
      evidenceBucket: evidence.bucket.bucketName,
      verificationVendors: config.verificationVendors,
      recordsVendor: config.recordsVendor,
      // The agent console signs agents in with the public app client; no IAM is involved.
      workforce: { issuer: workforce.issuerUrl, clientId: workforce.client.userPoolClientId },
    });
    const functions = new HandlerFunctions(this, 'Handlers', {
      config,
      projectRoot,
      definitions: manifest.handlers,
      workers: manifest.workers,
      environment,
      tables: data,
      mail,
      mailQueue,
      key,
      pepper: pepper.key,
      evidence: evidence.bucket,
    });
    const http = new VerityHttpApi(this, 'Http', {
      config,
      routes: manifest.routes,
      defaultRoute: manifest.defaultRoute,
      functions,
      workforce,
      key,
    });
    const site = new StaticSite(this, 'Site', {
      config,
      projectRoot,
      apiDomainName: http.domainName,
      accessLogs,
      webAclArn: props.webAclArn,
      certificate: props.certificate,
    });

    this.addOutputs({ config, site, http, workforce, data, evidence, mail, mailQueue });
  }

  private addOutputs(parts: {
    config: VerityConfig;
    site: StaticSite;
    http: VerityHttpApi;
    workforce: WorkforcePool;
    data: DataTables;
    evidence: EvidenceBucket;
    mail: Mail;
    mailQueue: MailQueue;
  }): void {
    const { config, site, http, workforce, data, evidence, mail, mailQueue } = parts;
    output(
      this,
      'SiteUrl',
      config.domainName ? `https://${config.domainName}` : site.url,
      'Where members go',
    );
    output(
      this,
      'DistributionDomainName',
      site.distribution.distributionDomainName,
      'CNAME target for domainName',
    );
    output(
      this,
      'ApiUrl',
      http.stage.url,
      'HTTP API endpoint (bypasses CloudFront and WAF: for diagnostics)',
    );
    output(
      this,
      'WorkforceUserPoolId',
      workforce.pool.userPoolId,
      'Cognito pool of agents and partner admins',
    );
    output(this, 'WorkforceClientId', workforce.client.userPoolClientId, 'App client of the workforce pages');
    for (const [name, table] of data.byName)
      output(this, `Table${capitalize(name)}`, table.tableName, `${name} table`);
    output(this, 'EvidenceBucketName', evidence.bucket.bucketName, 'Verification evidence (7-day expiry)');
    output(
      this,
      'MailIdentity',
      mail.identity.emailIdentityName,
      'SES identity to verify before mail is sent',
    );
    output(
      this,
      'MailDeadLetterQueueUrl',
      mailQueue.deadLetters.queueUrl,
      'Mail that could not be sent after 5 tries (watch its depth)',
    );
  }
}

/** The timeout of the worker on the mail queue, which the queue's visibility timeout follows. */
function mailWorkerTimeout(manifest: VerityManifest): Duration {
  const worker = Object.values(manifest.workers).find((w) => w.trigger === 'mail-queue');
  return Duration.seconds(worker?.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS);
}

function output(stack: Stack, id: string, value: string, description: string): void {
  new CfnOutput(stack, id, { value, description });
}

function capitalize(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
