/**
 * The words of every mail Verity sends to members. Each security notice says what happened,
 * when, and what to do if it was not you, so that a takeover cannot hide.
 */
import type { MailMessage } from './mailer.ts';

const signature = '\n\nVerity\nThis message was sent automatically. Replies are not read.';

const when = (at: Date) => `${at.toISOString().slice(0, 16).replace('T', ' at ')} UTC`;

const notYou = (siteUrl: string) =>
  `If this was not you, someone may know your password. Reset it now at ${siteUrl}/forgot-password and review your account at ${siteUrl}/account.`;

export const messages = {
  confirmSignUp: (link: string): MailMessage => ({
    subject: 'Confirm your email to finish creating your Verity account',
    text: `Confirm this email address to finish creating your Verity account:\n\n${link}\n\nThe link works once and expires in 24 hours. If you did not create an account, ignore this message: nothing happens until the link is used.${signature}`,
  }),

  signUpWithExistingAccount: (siteUrl: string): MailMessage => ({
    subject: 'Someone tried to create a Verity account with your email',
    text: `Someone tried to create a Verity account with this email address, but it already belongs to an account.\n\nIf it was you, sign in at ${siteUrl}/sign-in. If you forgot your password, reset it at ${siteUrl}/forgot-password.\n\nIf it was not you, you can ignore this message: your account has not changed.${signature}`,
  }),

  confirmAddedEmail: (link: string): MailMessage => ({
    subject: 'Confirm the email you added to your Verity account',
    text: `Confirm this email address to add it to your Verity account:\n\n${link}\n\nThe link works once and expires in 24 hours. If you did not add this address, ignore this message.${signature}`,
  }),

  emailHeldByAnotherAccount: (link: string, address: string): MailMessage => ({
    subject: 'Your email belongs to another Verity account',
    text: `A Verity account asked to add ${address}, but this address already belongs to another Verity account, perhaps one you created earlier.\n\nTo move the address to the account that asked, open this link and sign in to the account that holds it now:\n\n${link}\n\nThe link works once and expires in 24 hours. If you did not ask for this, ignore this message: nothing moves unless you sign in and confirm.${signature}`,
  }),

  resetPassword: (link: string): MailMessage => ({
    subject: 'Reset your Verity password',
    text: `Someone asked to reset the password of the Verity account with this email address. To choose a new password, open:\n\n${link}\n\nThe link works once and expires in 1 hour. Resetting signs you out everywhere. If you did not ask, ignore this message: your password stays as it is.${signature}`,
  }),

  /** Forgot password for an address that has no account: no link, nothing to act on but a hint. */
  resetWithoutAccount: (siteUrl: string): MailMessage => ({
    subject: 'Someone asked to reset a Verity password for this email',
    text: `Someone asked to reset the password of a Verity account with this email address, but this address is not the confirmed email of any Verity account.\n\nIf it was you, you may have created your account with another email address, or not confirmed this one yet: ask for the reset with the address you sign in with at ${siteUrl}/forgot-password. To create an account with this address, go to ${siteUrl}/create-account.\n\nIf it was not you, you can ignore this message: nothing has changed.${signature}`,
  }),

  accountResetRequested: (cancelLink: string, readyAt: Date): MailMessage => ({
    subject: 'Someone asked to delete your Verity account',
    text: `Someone signed in with your password and said they lost every sign-in method of your Verity account, so they asked to delete it and start again.\n\nNothing happens before ${when(readyAt)}. If this was not you, cancel now and change your password:\n\n${cancelLink}${signature}`,
  }),

  accountResetReady: (link: string): MailMessage => ({
    subject: 'Delete your Verity account',
    text: `The 24-hour wait is over. To delete your Verity account and start again, open:\n\n${link}\n\nThe link works once and expires in 24 hours. Deleting removes your emails, sign-in methods and history.${signature}`,
  }),

  notice: (what: NoticeKind, at: Date, siteUrl: string, detail?: string): MailMessage => {
    const text = NOTICES[what];
    return {
      subject: text.subject,
      text: `${text.body(detail)}\n\nWhen: ${when(at)}.\n\n${what === 'account-deleted' ? `If this was not you, contact the organization that runs this service; the account cannot be restored, but you can create a new one at ${siteUrl}/create-account.` : notYou(siteUrl)}${signature}`,
    };
  },
};

export type NoticeKind =
  | 'email-added'
  | 'email-removed'
  | 'primary-changed'
  | 'password-changed'
  | 'password-reset'
  | 'account-deleted'
  | 'mfa-added'
  | 'mfa-removed'
  | 'mfa-primary-changed'
  | 'mfa-renamed'
  | 'recovery-codes-created'
  | 'browsers-forgotten'
  | 'account-reset-cancelled'
  | 'partner-disconnected'
  | 'identity-verified'
  | 'identity-not-verified';

const NOTICES: Record<NoticeKind, { subject: string; body: (detail?: string) => string }> = {
  'email-added': {
    subject: 'An email was added to your Verity account',
    body: (address) => `The email address ${address} was added to your Verity account.`,
  },
  'email-removed': {
    subject: 'An email was removed from your Verity account',
    body: (address) => `The email address ${address} was removed from your Verity account.`,
  },
  'primary-changed': {
    subject: 'Your primary email changed',
    body: (address) =>
      `The primary email of your Verity account is now ${address}. Partner services receive the primary email.`,
  },
  'password-changed': {
    subject: 'Your Verity password changed',
    body: () => 'The password of your Verity account was changed.',
  },
  'password-reset': {
    subject: 'Your Verity password was reset',
    body: () => 'The password of your Verity account was reset, and every session was signed out.',
  },
  'mfa-added': {
    subject: 'A sign-in method was added to your Verity account',
    body: (name) => `A sign-in method (${name}) was added to your Verity account.`,
  },
  'mfa-removed': {
    subject: 'A sign-in method was removed from your Verity account',
    body: (name) => `A sign-in method (${name}) was removed from your Verity account.`,
  },
  'mfa-primary-changed': {
    subject: 'Your primary sign-in method changed',
    body: (name) => `Signing in to your Verity account now asks first for ${name}.`,
  },
  'mfa-renamed': {
    subject: 'A sign-in method was renamed',
    body: (detail) => `A sign-in method of your Verity account was renamed: ${detail}.`,
  },
  'recovery-codes-created': {
    subject: 'New recovery codes for your Verity account',
    body: () => 'New recovery codes were made for your Verity account. The old ones no longer work.',
  },
  'browsers-forgotten': {
    subject: 'Your Verity account forgot all remembered browsers',
    body: () =>
      'Every browser remembered by your Verity account was forgotten: each will ask for the second step again.',
  },
  'partner-disconnected': {
    subject: 'A partner was disconnected from your Verity account',
    body: (partner) =>
      `${partner} was disconnected from your Verity account. It no longer receives your information, and its access ended.`,
  },
  'identity-verified': {
    subject: 'Your identity was verified',
    body: (method) =>
      `Your identity was verified (${method}). Partner services that need a verified identity can now receive it when you choose Allow. We tell you so that nobody can verify an identity on your account without you knowing.`,
  },
  'identity-not-verified': {
    subject: 'We could not verify your identity',
    body: (reason) =>
      `We could not verify your identity on the video call. ${reason ?? ''} You can sign in to see what to do next.`,
  },
  'account-reset-cancelled': {
    subject: 'The request to delete your Verity account was cancelled',
    body: () => 'The request to delete your Verity account was cancelled. Your account stays as it is.',
  },
  'account-deleted': {
    subject: 'Your Verity account was deleted',
    body: () =>
      'Your Verity account was deleted. Its emails, sign-in details and history are gone, and partner services no longer receive anything from it.',
  },
};
