/**
 * Demo XMS's own accounts, in memory: an email, a password (none for an account Verity created),
 * and the Verity subject it is linked to, if any. A subject links to one account at most.
 */
import { randomBytes, randomUUID, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, length: number) => Promise<Buffer>;

export interface XmsAccount {
  readonly id: string;
  readonly email: string;
  readonly password?: { readonly salt: Buffer; readonly hash: Buffer };
  veritySub?: string;
}

export const MIN_PASSWORD_LENGTH = 8;

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

/** Just enough to refuse what cannot be an address; Verity owns the real rules. */
export const looksLikeEmail = (email: string) => email.length <= 254 && /^[^\s@]+@[^\s@]+$/.test(email);

const hashOf = async (
  password: string,
  salt: Buffer = randomBytes(16),
): Promise<{ salt: Buffer; hash: Buffer }> => ({
  salt,
  hash: await scryptAsync(password, salt, 32),
});

export class XmsAccounts {
  readonly #byId = new Map<string, XmsAccount>();
  readonly #byEmail = new Map<string, XmsAccount>();
  readonly #bySub = new Map<string, XmsAccount>();
  /** Checked against when the email has no account, so both answers take as long. */
  readonly #decoy = hashOf(randomBytes(16).toString('hex'));

  /** A new account, or `taken` when the email already has one. */
  async create(
    email: string,
    options: { password?: string; veritySub?: string } = {},
  ): Promise<XmsAccount | 'taken'> {
    const normalized = normalizeEmail(email);
    if (this.#byEmail.has(normalized)) return 'taken';
    const password = options.password === undefined ? undefined : await hashOf(options.password);
    if (this.#byEmail.has(normalized)) return 'taken';
    const account: XmsAccount = { id: randomUUID(), email: email.trim(), ...(password ? { password } : {}) };
    this.#byId.set(account.id, account);
    this.#byEmail.set(normalized, account);
    if (options.veritySub !== undefined) this.link(account, options.veritySub);
    return account;
  }

  /** The account whose email and password these are, or nothing (the same for both mistakes). */
  async signIn(email: string, password: string): Promise<XmsAccount | undefined> {
    const account = this.#byEmail.get(normalizeEmail(email));
    const stored = account?.password ?? (await this.#decoy);
    const { hash } = await hashOf(password, stored.salt);
    return timingSafeEqual(hash, stored.hash) && account?.password ? account : undefined;
  }

  byId(id: string | undefined): XmsAccount | undefined {
    return id === undefined ? undefined : this.#byId.get(id);
  }

  bySub(sub: string): XmsAccount | undefined {
    return this.#bySub.get(sub);
  }

  /** Links the Verity subject to the account, unless it is already linked to another one. */
  link(account: XmsAccount, sub: string): 'ok' | 'linked-elsewhere' {
    const holder = this.#bySub.get(sub);
    if (holder && holder.id !== account.id) return 'linked-elsewhere';
    if (account.veritySub !== undefined) this.#bySub.delete(account.veritySub);
    account.veritySub = sub;
    this.#bySub.set(sub, account);
    return 'ok';
  }
}
