/**
 * Prints an access token for a seeded workforce user of the running local Verity:
 *   npm run -s workforce-token -- admin      (or: agent)
 */
import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { localConfig } from '../lib/local/config.ts';
import { readRunningState } from '../lib/local/start.ts';

const which = process.argv[2] ?? 'admin';
const config = localConfig();
let state: ReturnType<typeof readRunningState>;
try {
  state = readRunningState(config);
} catch {
  process.stderr.write('Verity is not running: start it with `npm start` first.\n');
  process.exit(1);
}
const user = state.workforce.users.find((u) => u.username.startsWith(`${which}@`));
if (!user) {
  process.stderr.write(`No seeded workforce user "${which}": use admin or agent.\n`);
  process.exit(1);
}
const cognito = new CognitoIdentityProviderClient({
  endpoint: state.endpoints.cognito,
  region: state.sdkEnvironment.AWS_REGION,
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
const result = await cognito.send(
  new InitiateAuthCommand({
    AuthFlow: 'USER_PASSWORD_AUTH',
    ClientId: state.workforce.clientId,
    AuthParameters: { USERNAME: user.username, PASSWORD: user.password },
  }),
);
process.stdout.write(`${result.AuthenticationResult?.AccessToken ?? ''}\n`);
