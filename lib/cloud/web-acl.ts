/**
 * The WAF web ACL in front of CloudFront. The rate rule is the one that matters most for an
 * identity provider: it slows password guessing and code brute-forcing from a single address
 * before a request reaches a Lambda. AWS managed groups then drop well-known exploit shapes.
 */
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import type { VerityConfig } from './config.ts';

/** Requests one client IP may send in the evaluation window before it is blocked. */
export const RATE_LIMIT = { limit: 1000, windowSeconds: 300 } as const;

/** AWS managed rule groups, in evaluation order after the rate rule. */
export const MANAGED_RULE_GROUPS = [
  'AWSManagedRulesAmazonIpReputationList',
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
] as const;

export class WebAcl extends Construct {
  readonly acl: CfnWebACL;

  constructor(scope: Construct, id: string, config: VerityConfig) {
    super(scope, id);
    const metricPrefix = `verity-${config.stage}`;
    this.acl = new CfnWebACL(this, 'Acl', {
      name: `verity-${config.stage}`,
      description: `Verity ${config.stage}: rate limit per IP and AWS managed rules`,
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(`${metricPrefix}-acl`),
      rules: [
        rateLimitRule(metricPrefix),
        ...MANAGED_RULE_GROUPS.map((name, i) => managedRule(name, i + 1, metricPrefix)),
      ],
    });
  }
}

function rateLimitRule(metricPrefix: string): CfnWebACL.RuleProperty {
  return {
    name: 'rate-limit-per-ip',
    priority: 0,
    action: { block: {} },
    statement: {
      rateBasedStatement: {
        limit: RATE_LIMIT.limit,
        evaluationWindowSec: RATE_LIMIT.windowSeconds,
        aggregateKeyType: 'IP',
      },
    },
    visibilityConfig: visibility(`${metricPrefix}-rate-limit`),
  };
}

function managedRule(name: string, priority: number, metricPrefix: string): CfnWebACL.RuleProperty {
  return {
    name,
    priority,
    overrideAction: { none: {} },
    statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
    visibilityConfig: visibility(`${metricPrefix}-${name}`),
  };
}

function visibility(metricName: string): CfnWebACL.VisibilityConfigProperty {
  return { cloudWatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true };
}
