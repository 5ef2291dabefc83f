/**
 * `npm start`: Verity on http://localhost:3000 with the embedded AWS, and the demo partners on
 * http://localhost:3001. Ctrl-C stops every child process (Java included) and leaves nothing
 * listening.
 */
import { localConfig } from '../lib/local/config.ts';
import { type RunningVerity, startVerity } from '../lib/local/start.ts';

const config = localConfig();

function banner(state: RunningVerity): string {
  const [admin, agent] = state.workforce.users;
  return `
Verity is running.

  Site              ${state.siteUrl}
  Health            ${state.siteUrl}/health
  Mail viewer       ${state.endpoints.ses}/        (captured mail as JSON: ${state.endpoints.ses}/store)
  Text outbox       ${state.siteUrl}/_local/texts   (codes sent to phones; as JSON: /_local/texts.json)
  DynamoDB Local    ${state.endpoints.dynamodb}
  cognito-local     ${state.endpoints.cognito}     (workforce pool ${state.workforce.userPoolId})
  S3 (s3rver)       ${state.endpoints.s3}
  Local state       ${config.dataDir}${config.inMemory ? ' (DynamoDB in memory)' : ''}

Member sign-in (seeded demo member; or Create account and confirm through the mail viewer):
  ${state.siteUrl}/sign-in   ${state.demoMember.email}   password "${state.demoMember.password}"
  its 6-digit codes go to the demo phone: read them at ${state.siteUrl}/_local/texts
  verify an identity at ${state.siteUrl}/verify with the sandbox vendor (any photo passes as
  "Pat Sample"; an SSN starting 900 passes records): README, "Walking every verification outcome"

Demo partners (relying parties that sign in with Verity; their clients in ${config.dataDir}/demo-partners.json):
  Demo XMS          ${state.demoPartnerUrl}/xms/   its own account ${state.demoXmsAccount.email}   password "${state.demoXmsAccount.password}"
  Demo IRS          ${state.demoPartnerUrl}/irs/   (shows every claim Verity shares)

Workforce sign-in (seeded; passwords live in ${config.dataDir}/workforce.json):
  partner admin     ${admin?.username}   password ${admin?.password}
  agent             ${agent?.username}   password ${agent?.password}
  agent console     ${state.siteUrl}/agent   (the video call queue)
  access token      npm run -s workforce-token -- admin      (or: agent)
  try it            curl -H "Authorization: Bearer $(npm run -s workforce-token -- admin)" ${state.siteUrl}/workforce/me

Press Ctrl-C to stop.
`;
}

async function main(): Promise<void> {
  process.stdout.write('Starting Verity and the embedded AWS...\n');
  const verity = await startVerity(config);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping Verity and the embedded AWS...\n`);
    verity.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  // Last: the banner says Ctrl-C stops everything, and the test harness takes it as ready.
  process.stdout.write(banner(verity.state));
}

main().catch((error: Error) => {
  process.stderr.write(`\nVerity could not start: ${error.message}\n`);
  process.exit(1);
});
