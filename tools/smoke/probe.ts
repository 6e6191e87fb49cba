// One HTTPS GET that records what the checks need: status, the HSTS header, the peer
// certificate's expiry and the start of the body. Network errors become data, never throws.
import * as https from "node:https";
import * as tls from "node:tls";

export interface TlsTrust {
  /** Verify the chain against the system store (or `ca`) unless false. */
  readonly verify: boolean;
  /** Extra trust anchors (PEM), e.g. a self-signed dev/test CA. */
  readonly ca?: string;
}

export type ProbeResult =
  | {
      readonly url: string;
      readonly reached: true;
      readonly status: number;
      /** Value of Strict-Transport-Security, undefined when absent. */
      readonly hsts?: string;
      /** Peer certificate's notAfter, undefined if the server sent none. */
      readonly certificateValidTo?: Date;
      readonly certificateSubject?: string;
      /** First bytes of the body, for failure messages. */
      readonly bodyStart: string;
    }
  | { readonly url: string; readonly reached: false; readonly error: string };

const BODY_BYTES = 200;

/** OpenSSL verification codes that a --ca or --insecure flag would change. */
const CHAIN_ERRORS = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

function describeError(error: unknown): string {
  const err = error as NodeJS.ErrnoException;
  const code = err.code ? `${err.code}: ` : "";
  const hint =
    err.code && CHAIN_ERRORS.has(err.code)
      ? " (the certificate did not verify; pass --ca <file> for a private CA or --insecure for dev/test)"
      : "";
  return `${code}${err.message ?? String(error)}${hint}`;
}

export function probe(url: string, trust: TlsTrust, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: ProbeResult) => {
      if (!settled) {
        settled = true;
        resolve(result);
      }
    };
    const request = https.get(
      url,
      {
        // A fresh connection per probe so the certificate read is the one the server serves now.
        agent: false,
        rejectUnauthorized: trust.verify,
        ca: trust.ca,
        headers: { "user-agent": "webstack-smoke/1", connection: "close" },
      },
      (response) => {
        const socket = response.socket as tls.TLSSocket;
        const certificate = socket.getPeerCertificate();
        const validTo = certificate?.valid_to ? new Date(certificate.valid_to) : undefined;
        const chunks: Buffer[] = [];
        let length = 0;
        response.on("data", (chunk: Buffer) => {
          if (length < BODY_BYTES) chunks.push(chunk);
          length += chunk.length;
        });
        response.on("end", () => {
          const hsts = response.headers["strict-transport-security"];
          finish({
            url,
            reached: true,
            status: response.statusCode ?? 0,
            hsts: Array.isArray(hsts) ? hsts.join(", ") : hsts,
            certificateValidTo: validTo && !isNaN(validTo.getTime()) ? validTo : undefined,
            certificateSubject: [certificate?.subject?.CN ?? []].flat().join(", ") || undefined,
            bodyStart: Buffer.concat(chunks).toString("utf8").slice(0, BODY_BYTES),
          });
        });
        response.on("error", (error) =>
          finish({ url, reached: false, error: describeError(error) }),
        );
      },
    );
    request.setTimeout(timeoutMs, () => {
      request.destroy(new Error(`no response within ${timeoutMs} ms`));
    });
    request.on("error", (error) => finish({ url, reached: false, error: describeError(error) }));
  });
}
