// How long the edge's self-signed certificates live and when `pulumi up` renews them: the
// server certificate is re-issued once it is inside its renewal window, which opens before the
// 30-day expiry warning, so a stack that is deployed regularly never raises the alarm.

const HOURS_PER_DAY = 24;

/** The expiry alarm warns below 30 days; renewal opens 15 days before that. */
export const SERVER_RENEWAL_WINDOW_DAYS = 45;

/** The private CA outlives many server certificates and is replaced in its last year. */
export const CA_VALIDITY_DAYS = 5 * 365;
export const CA_RENEWAL_WINDOW_DAYS = 365;

export interface CertificateLifetime {
  /** `validityPeriodHours` of the certificate. */
  readonly validityHours: number;
  /** `earlyRenewalHours`: how long before expiry `pulumi up` replaces it. */
  readonly earlyRenewalHours: number;
}

/**
 * The server certificate's lifetime for `validityDays` (30–397). The renewal window is at most
 * half the validity, or every deployment would renew a short-lived certificate.
 */
export function serverCertificateLifetime(validityDays: number): CertificateLifetime {
  if (!Number.isInteger(validityDays) || validityDays < 30 || validityDays > 397) {
    throw new Error(
      `edge.certificateValidityDays must be an integer from 30 to 397 (got ${validityDays})`,
    );
  }
  const renewalDays = Math.min(SERVER_RENEWAL_WINDOW_DAYS, Math.floor(validityDays / 2));
  return {
    validityHours: validityDays * HOURS_PER_DAY,
    earlyRenewalHours: renewalDays * HOURS_PER_DAY,
  };
}

export const CA_LIFETIME: CertificateLifetime = {
  validityHours: CA_VALIDITY_DAYS * HOURS_PER_DAY,
  earlyRenewalHours: CA_RENEWAL_WINDOW_DAYS * HOURS_PER_DAY,
};
