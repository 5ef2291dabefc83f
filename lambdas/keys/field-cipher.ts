/**
 * The port for field-by-field encryption of personal data and secrets (TOTP keys, phone
 * numbers, later identity data). The adapter is the AWS Encryption SDK: a KMS keyring in the
 * cloud, a raw AES keyring from the local data folder on `npm start` (see field-encryption.ts).
 * The context names the account and the field, so a ciphertext copied to another account or
 * field does not decrypt.
 */
export interface FieldCipher {
  encrypt(plaintext: string, context: { accountId: string; field: string }): Promise<string>;
  decrypt(ciphertext: string, context: { accountId: string; field: string }): Promise<string>;
}

/**
 * The keys of the encryption context, and no others: the adapter writes `{ account, field }`,
 * and in the cloud the handler roles may use the key only with a context of exactly these keys
 * (lib/cloud/handler-functions.ts).
 */
export const FIELD_CONTEXT_KEYS = ['account', 'field'] as const;
export type FieldContextKey = (typeof FIELD_CONTEXT_KEYS)[number];
