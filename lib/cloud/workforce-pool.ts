/**
 * The Cognito user pool of agents and partner administrators, built from lib/workforce.ts (the
 * local bootstrap builds its emulated pool from the same data). Accounts are created by an
 * administrator, never by sign-up; every sign-in needs a password of 12 or more characters and
 * a TOTP code.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import {
  AccountRecovery,
  CfnUserPoolGroup,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  UserPool,
  type UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { workforcePool } from '../workforce.ts';
import { acknowledge, resourceOf } from './acknowledge.ts';
import type { VerityConfig } from './config.ts';
import { pascalCase } from './names.ts';
import { removalPolicyFor } from './retention.ts';

export class WorkforcePool extends Construct {
  readonly pool: UserPool;
  readonly client: UserPoolClient;

  constructor(scope: Construct, id: string, config: VerityConfig) {
    super(scope, id);
    this.pool = this.createPool(config);
    this.addGroups();
    this.client = this.addWebClient();
  }

  /** What API Gateway's JWT authorizer checks a token's `iss` against. */
  get issuerUrl(): string {
    const stack = Stack.of(this);
    return `https://cognito-idp.${stack.region}.${stack.urlSuffix}/${this.pool.userPoolId}`;
  }

  private createPool(config: VerityConfig): UserPool {
    const pool = new UserPool(this, 'Pool', {
      userPoolName: `${workforcePool.name}-${config.stage}`,
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      signInCaseSensitive: false,
      standardAttributes: { email: { required: true, mutable: true } },
      autoVerify: { email: true },
      mfa: Mfa.REQUIRED,
      // TOTP only: SMS codes can be intercepted (SIM swap), and email is the recovery channel.
      mfaSecondFactor: { otp: true, sms: false, email: false },
      passwordPolicy: {
        minLength: workforcePool.passwordPolicy.minLength,
        requireLowercase: false,
        requireUppercase: false,
        requireDigits: false,
        requireSymbols: false,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: config.workforceThreatProtection ? FeaturePlan.PLUS : FeaturePlan.ESSENTIALS,
      standardThreatProtectionMode: config.workforceThreatProtection
        ? StandardThreatProtectionMode.FULL_FUNCTION
        : undefined,
      deletionProtection: config.isProduction,
      removalPolicy: removalPolicyFor(config),
    });
    acknowledge(resourceOf(pool), 'AwsSolutions-COG1', 'workforcePasswordComposition');
    if (!config.workforceThreatProtection)
      acknowledge(resourceOf(pool), 'AwsSolutions-COG8', 'workforceFeaturePlan');
    return pool;
  }

  private addGroups(): void {
    for (const group of workforcePool.groups) {
      new CfnUserPoolGroup(this, `${pascalCase(group.name)}Group`, {
        userPoolId: this.pool.userPoolId,
        groupName: group.name,
        description: group.description,
      });
    }
  }

  /** The workforce pages are a public client: no secret, password (then TOTP) and SRP sign-in, refresh tokens. */
  private addWebClient(): UserPoolClient {
    return this.pool.addClient('WebClient', {
      userPoolClientName: workforcePool.clientName,
      generateSecret: false,
      authFlows: { ...workforcePool.authFlows },
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.minutes(workforcePool.accessTokenMinutes),
      idTokenValidity: Duration.minutes(workforcePool.accessTokenMinutes),
      refreshTokenValidity: Duration.hours(workforcePool.refreshTokenHours),
    });
  }
}
