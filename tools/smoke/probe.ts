// One HTTPS GET that records what the checks need: status, the HSTS header, the peer
// certificate's expiry and the start of the body. Network errors become data, never throws.
import * as https from "node:https";
import type { TLSSocket } from "node:tls";

export type ProbeResult =
  | {
      readonly url: string;
      readonly reached: true;
      readonly status: number;
      /** Value of Strict-Transport-Security, undefined when absent. */
      readonly hsts?: string;
      /** Peer certificate's notAfter, undefined if the server sent none. */
      readonly certificateValidTo?: Date;
      /** First characters of the body, for failure messages. */
      readonly bodyStart: string;
    }
  | { readonly url: string; readonly reached: false; readonly error: string };

/** How to verify the server: against the system store, a given CA (PEM), or not at all. */
export interface TlsTrust {
  readonly rejectUnauthorized: boolean;
  readonly ca?: string;
}

function describeError(error: NodeJS.ErrnoException): string {
  // OpenSSL's verification codes, which --ca or --insecure would change.
  const hint = /CERT|VERIFY/.test(error.code ?? "")
    ? " (the certificate did not verify; pass --ca <file> for a private CA or --insecure for dev/test)"
    : "";
  return `${error.code ? `${error.code}: ` : ""}${error.message}${hint}`;
}

export function probe(url: string, trust: TlsTrust, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const failed = (error: Error) => resolve({ url, reached: false, error: describeError(error) });
    // A fresh connection per probe so the certificate read is the one the server serves now.
    const options = { ...trust, agent: false, headers: { "user-agent": "webstack-smoke/1" } };
    const request = https.get(url, options, (response) => {
      const validTo = new Date((response.socket as TLSSocket).getPeerCertificate().valid_to);
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        if (body.length < 200) body += chunk;
      });
      response.on("error", failed);
      response.on("end", () => {
        const hsts = response.headers["strict-transport-security"];
        resolve({
          url,
          reached: true,
          status: response.statusCode ?? 0,
          hsts,
          certificateValidTo: isNaN(validTo.getTime()) ? undefined : validTo,
          bodyStart: body.slice(0, 200),
        });
      });
    });
    request.setTimeout(timeoutMs, () =>
      request.destroy(new Error(`no response within ${timeoutMs} ms`)),
    );
    request.on("error", failed);
  });
}
