/**
 * Tells the handlers which host the member typed. The origin request policy cannot forward the
 * viewer's Host to API Gateway (API Gateway routes on its own host name), so without a custom
 * domain a handler would see `abc123.execute-api...` and put that into the links it mails. This
 * CloudFront Function runs on viewer requests of the default behaviour and copies the viewer's
 * Host into `X-Forwarded-Host`, replacing any value the viewer sent; the origin request policy
 * (all viewer headers except Host) then forwards it, and `requestContext` in
 * lambdas/http/member.ts builds links from it when `VERITY_SITE_URL` is not set.
 *
 * Through CloudFront the value is trustworthy: CloudFront only serves a request whose Host is
 * the distribution's own name or one of its aliases. Requests sent straight to the API's own
 * endpoint skip this function; docs/deploy.md says why production sets `domainName`.
 */
import { FunctionCode, FunctionRuntime, Function as ViewerFunction } from 'aws-cdk-lib/aws-cloudfront';
import { Construct } from 'constructs';
import type { VerityConfig } from './config.ts';

/** The header handlers read (API Gateway passes header names in lower case). */
export const FORWARDED_HOST_HEADER = 'x-forwarded-host';

/**
 * cloudfront-js-2.0 source. `host` is always present on a viewer request (HTTP/2's :authority
 * arrives as host); if it ever is not, no viewer-supplied value survives either.
 */
export const FORWARDED_HOST_CODE = `function handler(event) {
  var request = event.request;
  var host = request.headers.host;
  if (host && host.value) request.headers['${FORWARDED_HOST_HEADER}'] = { value: host.value };
  else delete request.headers['${FORWARDED_HOST_HEADER}'];
  return request;
}
`;

export class ForwardedHost extends Construct {
  readonly function: ViewerFunction;

  constructor(scope: Construct, id: string, config: VerityConfig) {
    super(scope, id);
    this.function = new ViewerFunction(this, 'Function', {
      // Function names are global to the account: the region keeps two regional stacks of one
      // stage apart. At most 64 characters: 16 (stage) + 14 (longest region) + 23 fit.
      functionName: `verity-${config.stage}-${config.region}-forwarded-host`,
      comment: `Verity ${config.stage}: copies the viewer's Host into X-Forwarded-Host for the handlers`,
      code: FunctionCode.fromInline(FORWARDED_HOST_CODE),
      runtime: FunctionRuntime.JS_2_0,
    });
  }
}
