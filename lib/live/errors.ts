/**
 * The live state cannot be checked: bad or missing credentials, an unreachable host, a token
 * without a needed permission. Commands exit with status 2 and print the message, which names the
 * object and what is missing, and never holds a token, key or variable value.
 */
export class CannotCheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CannotCheckError";
  }
}

/** A network error's code (`ECONNREFUSED`, `ENOTFOUND`, ...), found on the error or its causes. */
export function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * The certificate codes of a TLS certificate that no CA this process trusts has signed: a private
 * CA's, or a self-signed one. `NODE_EXTRA_CA_CERTS` adds such a CA.
 */
const UNTRUSTED_CERTIFICATE = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "CERT_UNTRUSTED",
  "INVALID_CA",
]);

/** Other certificate codes: the certificate itself is at fault (expired, for another name, revoked). */
const BAD_CERTIFICATE = new Set([
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_REVOKED",
  "CERT_REJECTED",
  "CERT_SIGNATURE_FAILURE",
  "CERT_CHAIN_TOO_LONG",
  "PATH_LENGTH_EXCEEDED",
  "INVALID_PURPOSE",
  "HOSTNAME_MISMATCH",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/** A TLS certificate problem: never transient, so never worth a retry. */
export interface CertificateProblem {
  readonly code: string;
  /** Node's own words, e.g. `self-signed certificate`. */
  readonly reason: string;
  /** Whether the certificate is sound but signed by a CA this process does not trust. */
  readonly untrusted: boolean;
}

/** The TLS certificate problem behind an error (found on the error or its causes), if that is what it is. */
export function certificateProblem(error: unknown): CertificateProblem | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && (UNTRUSTED_CERTIFICATE.has(code) || BAD_CERTIFICATE.has(code)))
      return { code, reason: current.message, untrusted: UNTRUSTED_CERTIFICATE.has(code) };
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
