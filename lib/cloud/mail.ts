/**
 * Member mail through SES: the sender identity (a whole domain with Easy DKIM in production, or a
 * single address to try Verity out) and a configuration set that requires TLS to the receiving
 * server, since confirmation and reset links are bearer secrets.
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import { type Grant, Grant as IamGrant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import {
  ConfigurationSet,
  ConfigurationSetTlsPolicy,
  EmailIdentity,
  Identity,
  SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import { domainOf, type VerityConfig } from './config.ts';

export class Mail extends Construct {
  readonly identity: EmailIdentity;
  readonly configurationSet: ConfigurationSet;

  constructor(scope: Construct, id: string, config: VerityConfig) {
    super(scope, id);
    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      tlsPolicy: ConfigurationSetTlsPolicy.REQUIRE,
      reputationMetrics: true,
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    this.identity = new EmailIdentity(this, 'Identity', {
      identity:
        config.mailIdentity === 'domain'
          ? Identity.domain(domainOf(config.mailFromAddress))
          : Identity.email(config.mailFromAddress),
      configurationSet: this.configurationSet,
    });
  }

  /**
   * SES checks send permission on the sender identity and on the configuration set the message
   * goes through (here the identity's default set), so both ARNs are granted and nothing else.
   */
  grantSend(grantee: IGrantable): Grant {
    const configurationSetArn = Stack.of(this).formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: this.configurationSet.configurationSetName,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    return IamGrant.addToPrincipal({
      grantee,
      actions: ['ses:SendEmail', 'ses:SendRawEmail'],
      resourceArns: [this.identity.emailIdentityArn, configurationSetArn],
    });
  }
}
