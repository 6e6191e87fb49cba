// `webstack:edge:SelfSignedTls`: a private CA and a server certificate for the stack's domains,
// made with @pulumi/tls (ECDSA P-256). Nginx serves it on Docker (dev, test) and behind the ALB
// on AWS, where the ALB accepts any target certificate. `pulumi up` re-issues the certificate
// once it is inside its renewal window; the private keys exist only as Pulumi secrets.
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";

const HOURS_PER_DAY = 24;

/** The expiry alarm warns below 30 days; renewal opens 15 days before that. */
export const SERVER_RENEWAL_WINDOW_DAYS = 45;

/** `validityPeriodHours` and `earlyRenewalHours` (how long before expiry `pulumi up` renews). */
export interface CertificateLifetime {
  readonly validityHours: number;
  readonly earlyRenewalHours: number;
}

/**
 * The server certificate's lifetime for `validityDays`. The renewal window is at most half the
 * validity, or every deployment would renew a short-lived certificate.
 */
export function serverCertificateLifetime(validityDays: number): CertificateLifetime {
  const renewalDays = Math.min(SERVER_RENEWAL_WINDOW_DAYS, Math.floor(validityDays / 2));
  return {
    validityHours: validityDays * HOURS_PER_DAY,
    earlyRenewalHours: renewalDays * HOURS_PER_DAY,
  };
}

/** The private CA outlives many server certificates (five years) and is replaced in its last. */
export const CA_LIFETIME: CertificateLifetime = {
  validityHours: 5 * 365 * HOURS_PER_DAY,
  earlyRenewalHours: 365 * HOURS_PER_DAY,
};

export interface SelfSignedTlsArgs {
  /** SANs of the server certificate; the first is also its common name. No default. */
  readonly domains: readonly string[];
  /** Validity of the server certificate, days. */
  readonly validityDays: number;
  /** Organization in both subjects, e.g. "webstack-dev". No default. */
  readonly organization: string;
}

export class SelfSignedTls extends pulumi.ComponentResource {
  /** PEM of the private CA, for clients that should trust the server certificate. */
  readonly caCertificatePem: pulumi.Output<string>;
  /** PEM of the server certificate. */
  readonly certificatePem: pulumi.Output<string>;
  /** PEM of the server certificate's private key (secret). */
  readonly privateKeyPem: pulumi.Output<string>;
  /** When the server certificate expires (RFC 3339). */
  readonly notAfter: pulumi.Output<string>;

  constructor(name: string, args: SelfSignedTlsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("webstack:edge:SelfSignedTls", name, {}, opts);
    const server = serverCertificateLifetime(args.validityDays);
    const parent = { parent: this };

    const caKey = new tls.PrivateKey(
      `${name}-ca-key`,
      { algorithm: "ECDSA", ecdsaCurve: "P256" },
      parent,
    );
    const ca = new tls.SelfSignedCert(
      `${name}-ca`,
      {
        privateKeyPem: pulumi.secret(caKey.privateKeyPem),
        isCaCertificate: true,
        // The CA signs server certificates only, never another CA.
        maxPathLength: 0,
        subject: { commonName: `${args.organization} edge CA`, organization: args.organization },
        validityPeriodHours: CA_LIFETIME.validityHours,
        earlyRenewalHours: CA_LIFETIME.earlyRenewalHours,
        allowedUses: ["cert_signing", "crl_signing", "digital_signature"],
      },
      parent,
    );

    const key = new tls.PrivateKey(
      `${name}-server-key`,
      { algorithm: "ECDSA", ecdsaCurve: "P256" },
      parent,
    );
    const request = new tls.CertRequest(
      `${name}-server-csr`,
      {
        privateKeyPem: pulumi.secret(key.privateKeyPem),
        subject: { commonName: args.domains[0], organization: args.organization },
        dnsNames: [...args.domains],
      },
      parent,
    );
    const certificate = new tls.LocallySignedCert(
      `${name}-server`,
      {
        certRequestPem: request.certRequestPem,
        caPrivateKeyPem: pulumi.secret(caKey.privateKeyPem),
        caCertPem: ca.certPem,
        validityPeriodHours: server.validityHours,
        earlyRenewalHours: server.earlyRenewalHours,
        allowedUses: ["digital_signature", "key_encipherment", "server_auth"],
      },
      parent,
    );

    this.caCertificatePem = ca.certPem;
    this.certificatePem = certificate.certPem;
    this.privateKeyPem = pulumi.secret(key.privateKeyPem);
    this.notAfter = certificate.validityEndTime;
    this.registerOutputs({
      caCertificatePem: this.caCertificatePem,
      certificatePem: this.certificatePem,
      privateKeyPem: this.privateKeyPem,
      notAfter: this.notAfter,
    });
  }
}
