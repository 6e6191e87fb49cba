// `webstack:edge:SelfSignedTls`: a private CA and a server certificate for the stack's domains,
// made with @pulumi/tls (ECDSA P-256). Nginx serves it on Docker (dev, test) and behind the ALB
// on AWS, where the ALB accepts any target certificate. `pulumi up` re-issues the certificate
// once it is inside its renewal window; the private keys exist only as Pulumi secrets.
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import type { EdgeArgs } from "./contract";

const HOURS_PER_DAY = 24;

/** The expiry alarm warns below 30 days; renewal opens 15 days before that. */
const SERVER_RENEWAL_WINDOW_DAYS = 45;

/**
 * How long the server certificate is valid, and how long before expiry `pulumi up` renews it. The
 * renewal window is at most half the validity, or every deployment would renew a short-lived one.
 */
export function serverCertificateLifetime(validityDays: number) {
  const renewalDays = Math.min(SERVER_RENEWAL_WINDOW_DAYS, Math.floor(validityDays / 2));
  return {
    validityPeriodHours: validityDays * HOURS_PER_DAY,
    earlyRenewalHours: renewalDays * HOURS_PER_DAY,
  };
}

/** The private CA lives five years, outliving many server certificates; renewed in its last. */
export const CA_LIFETIME = {
  validityPeriodHours: 5 * 365 * HOURS_PER_DAY,
  earlyRenewalHours: 365 * HOURS_PER_DAY,
};

/** The domains are the server certificate's SANs; the name prefix, both subjects' organization. */
export type SelfSignedTlsArgs = Pick<EdgeArgs, "site" | "certificateValidityDays" | "namePrefix">;

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
    const { domains } = args.site;
    const organization = args.namePrefix;
    const parent = { parent: this };

    const p256Key = (suffix: string) =>
      new tls.PrivateKey(`${name}-${suffix}`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, parent);
    const caKey = p256Key("ca-key");
    const ca = new tls.SelfSignedCert(
      `${name}-ca`,
      {
        privateKeyPem: pulumi.secret(caKey.privateKeyPem),
        isCaCertificate: true,
        // The CA signs server certificates only, never another CA.
        maxPathLength: 0,
        subject: { commonName: `${organization} edge CA`, organization },
        ...CA_LIFETIME,
        allowedUses: ["cert_signing", "crl_signing", "digital_signature"],
      },
      parent,
    );

    const key = p256Key("server-key");
    const request = new tls.CertRequest(
      `${name}-server-csr`,
      {
        privateKeyPem: pulumi.secret(key.privateKeyPem),
        subject: { commonName: domains[0], organization },
        dnsNames: [...domains],
      },
      parent,
    );
    const certificate = new tls.LocallySignedCert(
      `${name}-server`,
      {
        certRequestPem: request.certRequestPem,
        caPrivateKeyPem: pulumi.secret(caKey.privateKeyPem),
        caCertPem: ca.certPem,
        ...serverCertificateLifetime(args.certificateValidityDays),
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
