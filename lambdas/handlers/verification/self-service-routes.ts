/** The self-service steps: parse the form, call one step of lambdas/verification/self-service.ts, show its page. */
import { isProblem } from '../../core/problems.ts';
import { badRequest } from '../../http/errors.ts';
import { checked, field, query } from '../../http/form.ts';
import { memberOf } from '../../http/handler.ts';
import { requestContext } from '../../http/member.ts';
import { problemToShow } from '../../http/problems.ts';
import { type HttpResult, html, redirect } from '../../http/respond.ts';
import { formsLeadTo } from '../../http/security-headers.ts';
import {
  detailsPage,
  documentsPage,
  phonePage,
  resultPage,
  ssnHeldPage,
  startPage,
  verificationLimitPage,
} from '../../pages/verify.tsx';
import * as store from '../../store/verification.ts';
import {
  isDocumentType,
  isEvidencePart,
  mayEnterDetails,
  nextStep,
  partsOf,
  readyForVideo,
  STEP_PATHS,
} from '../../verification/attempt.ts';
import { formFromDetails, formFromExtracted } from '../../verification/details.ts';
import {
  checkDocuments,
  chooseDocument,
  confirmDetails,
  extractedFields,
  provePhone,
  recordUpload,
  sendVerificationCode,
  startOver,
  startVerification,
  uploadFormsFor,
} from '../../verification/self-service.ts';
import { confirmedDetails } from '../../verification/verified-identity.ts';
import { ports } from './ports.ts';
import type { Request, Route } from './routes.ts';

/**
 * Every step: a step asked for out of order (a typed URL, a stale tab, a second tab that went on)
 * sends the member to where the attempt is; a limit shows when to come back.
 */
const step =
  (route: Route): Route =>
  async (request) => {
    try {
      return await route(request);
    } catch (error) {
      if (isProblem(error, 'VerificationStepNotReady')) return redirect('/verify');
      const limit = problemToShow(error, 'VerificationThrottled');
      if (limit)
        return html(verificationLimitPage({ csrfToken: request.csrfToken, message: limit.message }), 429);
      throw error;
    }
  };

/** Problems the phone page shows: a wrong or expired code, too many, a text that did not go. */
const phoneProblem = (error: unknown) =>
  problemToShow(error, 'WrongCode', 'CodeExpired', 'CodesLocked', 'TooManyCodesSent', 'TextNotSent');

async function verifiedPage(request: Request): Promise<HttpResult | undefined> {
  const identity = await store.identityOf(memberOf(request).accountId);
  if (!identity) return undefined;
  return html(
    resultPage({
      csrfToken: request.csrfToken,
      kind: 'verified',
      verifiedAt: identity.verifiedAt,
      method: identity.method,
    }),
  );
}

const phoneStep = async (
  request: Request,
  state?: 'not-owner' | 'unavailable' | 'records-unavailable' | 'resent',
  problem?: string,
  status = 200,
) => {
  const attempt = await store.attemptOf(memberOf(request).accountId);
  if (!attempt || nextStep(attempt) !== 'phone') return redirect('/verify');
  return html(
    phonePage({
      csrfToken: request.csrfToken,
      last4: attempt.phoneLast4 ?? '',
      codeSent: attempt.phoneCodeSentAt !== undefined,
      proven: attempt.phoneProvenAt !== undefined,
      state: state ?? (attempt.phoneNotOwned ? 'not-owner' : undefined),
      problem,
    }),
    status,
  );
};

export const selfServiceRoutes: Record<string, Route> = {
  'GET /verify': async (request) => {
    const accountId = memberOf(request).accountId;
    // An attempt under way (verifying again, too) before the identity the member has.
    const attempt = await store.attemptOf(accountId);
    if (!attempt && (await store.identityOf(accountId))) return redirect('/verify/result');
    return redirect(STEP_PATHS[nextStep(attempt)]);
  },

  'GET /verify/start': async (request) => {
    const again = query(request.event, 'again') === 'yes';
    const attempt = await store.attemptOf(memberOf(request).accountId);
    if (attempt && nextStep(attempt) !== 'start') return redirect('/verify');
    if (!attempt && !again) {
      const verified = await verifiedPage(request);
      if (verified) return verified;
    }
    return html(startPage({ csrfToken: request.csrfToken, again }));
  },

  'POST /verify/start': step(async (request) => {
    const session = memberOf(request);
    const again = field(request.body, 'again') === 'yes';
    if (!again && (await store.identityOf(session.accountId))) return redirect('/verify/result');
    const started = await startVerification(
      session.accountId,
      {
        consent: checked(request.body, 'consent'),
        biometricConsent: checked(request.body, 'biometricConsent'),
      },
      requestContext(request),
    );
    if (started.kind === 'problems') {
      return html(startPage({ csrfToken: request.csrfToken, problems: started.problems, again }), 400);
    }
    return redirect('/verify');
  }),

  'GET /verify/documents': async (request) => {
    const accountId = memberOf(request).accountId;
    const attempt = await store.attemptOf(accountId);
    if (!attempt || nextStep(attempt) !== 'documents') return redirect('/verify');
    const forms = await uploadFormsFor(accountId, attempt, requestContext(request).siteUrl, ports);
    const notice = query(request.event, 'notice') === 'missing' ? 'missing' : undefined;
    const response = html(
      documentsPage({
        csrfToken: request.csrfToken,
        documentType: attempt.documentType,
        parts: attempt.documentType ? partsOf(attempt.documentType) : [],
        uploads: attempt.uploads,
        forms,
        imageProblem: attempt.imageProblem,
        documentFailure: attempt.documentFailure,
        notice,
      }),
    );
    // The upload forms post straight to the evidence bucket.
    formsLeadTo(
      response.headers,
      Object.values(forms).map((form) => form.url),
    );
    return response;
  },

  'POST /verify/documents/type': step(async (request) => {
    const type = field(request.body, 'documentType');
    if (!isDocumentType(type)) throw badRequest("Choose a driver's license or state ID, or a passport.");
    await chooseDocument(memberOf(request).accountId, type, requestContext(request).now);
    return redirect('/verify/documents');
  }),

  'GET /verify/documents/uploaded': step(async (request) => {
    const part = query(request.event, 'part');
    if (!isEvidencePart(part)) throw badRequest('This is not a picture of the verification.');
    const recorded = await recordUpload(
      memberOf(request).accountId,
      part,
      requestContext(request).now,
      ports,
    );
    return redirect(
      recorded === 'recorded' ? `/verify/documents#file-${part}` : '/verify/documents?notice=missing',
    );
  }),

  'POST /verify/documents/check': step(async (request) => {
    const checked = await checkDocuments(memberOf(request).accountId, requestContext(request), ports);
    return redirect(checked.kind === 'passed' ? '/verify/details' : '/verify/documents');
  }),

  'GET /verify/details': async (request) => {
    const accountId = memberOf(request).accountId;
    const attempt = await store.attemptOf(accountId);
    if (!attempt || !mayEnterDetails(attempt)) return redirect('/verify');
    const before = await confirmedDetails(accountId, attempt, ports);
    const form = before
      ? formFromDetails(before)
      : formFromExtracted(await extractedFields(accountId, attempt, ports));
    return html(
      detailsPage({
        csrfToken: request.csrfToken,
        form,
        fromDocument: !before,
        forVideo: nextStep(attempt) === 'documents',
      }),
    );
  },

  'POST /verify/details': step(async (request) => {
    const confirmed = await confirmDetails(
      memberOf(request).accountId,
      request.body ?? {},
      requestContext(request),
      ports,
    );
    if (confirmed.kind === 'ssn-held') return html(ssnHeldPage({ csrfToken: request.csrfToken }), 409);
    if (confirmed.kind === 'problems') {
      return html(
        detailsPage({
          csrfToken: request.csrfToken,
          form: confirmed.form,
          problems: confirmed.problems,
          fromDocument: false,
          forVideo: field(request.body, 'then') === 'video',
        }),
        400,
      );
    }
    // After documents that failed a check, the details are for the agent on the video call.
    return redirect(field(request.body, 'then') === 'video' ? '/verify/video' : '/verify/phone');
  }),

  'GET /verify/phone': async (request) => {
    const again = query(request.event, 'sent') === 'again' ? 'resent' : undefined;
    return phoneStep(request, again);
  },

  'POST /verify/phone/send': step(async (request) => {
    try {
      const sent = await sendVerificationCode(memberOf(request).accountId, requestContext(request), ports);
      if (sent.kind !== 'sent') return phoneStep(request, sent.kind, undefined, 409);
    } catch (error) {
      const shown = phoneProblem(error);
      if (!shown) throw error;
      return phoneStep(request, undefined, shown.message, shown.status);
    }
    return redirect(field(request.body, 'again') === 'yes' ? '/verify/phone?sent=again' : '/verify/phone');
  }),

  'POST /verify/phone/code': step(async (request) => {
    const accountId = memberOf(request).accountId;
    try {
      const finished = await provePhone(
        accountId,
        field(request.body, 'code'),
        requestContext(request),
        ports,
      );
      if (finished === 'records-unavailable')
        return phoneStep(request, 'records-unavailable', undefined, 409);
      if (finished === 'ssn-held') return html(ssnHeldPage({ csrfToken: request.csrfToken }), 409);
      return redirect('/verify/result');
    } catch (error) {
      const shown = phoneProblem(error);
      if (!shown) throw error;
      return phoneStep(request, undefined, shown.message, shown.status);
    }
  }),

  'GET /verify/result': async (request) => {
    const attempt = await store.attemptOf(memberOf(request).accountId);
    if (!attempt?.outcome) return (await verifiedPage(request)) ?? redirect('/verify');
    return html(
      resultPage({
        csrfToken: request.csrfToken,
        kind: attempt.outcome,
        denialReason: attempt.denialReason,
        videoOffered: attempt.outcome === 'could-not-verify' && readyForVideo(attempt),
      }),
    );
  },

  'POST /verify/start-over': step(async (request) => {
    await startOver(memberOf(request).accountId, ports);
    return redirect('/verify');
  }),
};
