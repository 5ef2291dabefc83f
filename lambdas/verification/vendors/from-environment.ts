/**
 * The verification vendors the environment names, built once by a handler at module load:
 *
 * - the evidence store is always S3 (s3rver locally), in the bucket EVIDENCE_BUCKET;
 * - VERITY_VERIFICATION_VENDORS=sandbox: the sandbox's documents, faces, records and calls
 *   (./sandbox.ts), the choice of `npm start` and the tests;
 * - VERITY_VERIFICATION_VENDORS=aws: Textract, Rekognition and Chime. Verity has no built-in data
 *   broker (docs/verification-vendors.md, "Records adapter contract"), so records then come from
 *   the sandbox only when VERITY_RECORDS_VENDOR=sandbox says so: a deployment never verifies
 *   records against the sandbox's rules by omission. Without it every records check is
 *   unavailable (self-service cannot finish; the video call and the agents' console still run).
 *
 * There is no default: a deployment that names no vendor fails at start instead of quietly
 * verifying people with the sandbox.
 *
 * The SDK clients are built at their first use, not here. Their packages are still imported
 * statically with this module (the sandbox path loads Textract, Rekognition and Chime's code
 * without using it); leaving them out would take dynamic imports or one entry module per choice.
 */
import type { RecordsVerifier, VerificationVendors } from '../ports.ts';
import { chimeCallRooms } from './chime.ts';
import { rekognitionFaceMatcher } from './rekognition.ts';
import { evidenceClient, s3EvidenceStore } from './s3-evidence.ts';
import { sandboxRecordsVerifier, sandboxVendors } from './sandbox.ts';
import { textractDocumentVerifier } from './textract.ts';

export const VENDORS_VARIABLE = 'VERITY_VERIFICATION_VENDORS';
export const RECORDS_VARIABLE = 'VERITY_RECORDS_VENDOR';

export function verificationVendorsFromEnvironment(
  env: NodeJS.ProcessEnv = process.env,
): VerificationVendors {
  const bucket = env.EVIDENCE_BUCKET;
  if (!bucket) throw new Error('EVIDENCE_BUCKET is not set: identity verification needs the evidence bucket');
  const evidence = s3EvidenceStore({ bucket, client: evidenceClient(env) });
  const choice = env[VENDORS_VARIABLE];

  if (choice === 'sandbox') return { evidence, ...sandboxVendors(evidence) };

  if (choice === 'aws') {
    const mediaRegion = env.AWS_REGION;
    if (!mediaRegion) throw new Error('AWS_REGION is not set: the video call needs a media region');
    return {
      evidence,
      documents: textractDocumentVerifier({ bucket }),
      faces: rekognitionFaceMatcher({ bucket }),
      records: env[RECORDS_VARIABLE] === 'sandbox' ? sandboxRecordsVerifier() : noRecordsBroker(),
      calls: chimeCallRooms({ mediaRegion }),
    };
  }

  throw new Error(`${VENDORS_VARIABLE} must be "sandbox" or "aws", not ${JSON.stringify(choice ?? '')}`);
}

/**
 * A deployment without a records broker: self-service cannot finish (every records check is
 * "unavailable", and the member is asked to try again later or offered the video call), but
 * everything else runs, the agents' console included. The log says why, without personal data.
 */
function noRecordsBroker(): RecordsVerifier {
  const unavailable = async () => {
    console.error(
      `No records broker is configured: Verity has no built-in data broker. Plug one into the RecordsVerifier port (docs/verification-vendors.md), or set ${RECORDS_VARIABLE}=sandbox on a test stage.`,
    );
    return 'unavailable' as const;
  };
  return { check: unavailable, phoneOwnership: unavailable };
}
