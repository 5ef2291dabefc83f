/**
 * The ports domain code works through: what a capability needs from the outside world, as
 * interfaces. Adapters implement them (keys/, mail/, the text senders); each Lambda builds its
 * adapters once, at module load, and hands them to the domain functions.
 */

/** The password pepper: KMS GenerateMac in the cloud, an HMAC with a local key file locally. */
export interface Pepper {
  mac(data: Buffer): Promise<Buffer>;
}
