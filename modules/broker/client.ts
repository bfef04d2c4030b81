import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";

/**
 * `baseline access` as a function: sign one request to the broker's function URL
 * with the caller's credentials (SigV4 for `lambda`, as AWS_IAM auth expects) and
 * turn the answer into the AWS CLI's credential_process document or a clear failure.
 */

export interface CallerCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** The session in the AWS CLI's `credential_process` format. */
export interface ProcessCredentials {
  Version: 1;
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  Expiration: string;
}

export type AccessOutcome =
  | { kind: "session"; credentials: ProcessCredentials }
  /** The broker's policy refused (exit 2). */
  | { kind: "denied"; reason: string }
  /** The caller's own credentials are expired or not accepted (exit 3). */
  | { kind: "expired"; reason: string }
  /** Bad input or setup, or the broker failed (exit 1). */
  | { kind: "failed"; reason: string };

export const EXIT_CODES: Record<AccessOutcome["kind"], number> = { session: 0, failed: 1, denied: 2, expired: 3 };

export interface AccessRequestInput {
  url: string;
  region: string;
  credentials: CallerCredentials;
  account: string;
  role: string;
  ticket?: string;
  duration?: number;
  now?: Date;
  fetch?: typeof fetch;
}

/** `https://<id>.lambda-url.<region>.on.aws/` names its region. */
export function regionOfUrl(url: string): string | undefined {
  try {
    return /\.lambda-url\.([a-z0-9-]+)\.on\.aws$/.exec(new URL(url).hostname)?.[1];
  } catch {
    return undefined;
  }
}

export async function requestAccess(input: AccessRequestInput): Promise<AccessOutcome> {
  const now = input.now ?? new Date();
  if (input.credentials.expiration && input.credentials.expiration.getTime() <= now.getTime()) {
    return { kind: "expired", reason: `your AWS credentials expired at ${input.credentials.expiration.toISOString()}; sign in again (e.g. aws sso login)` };
  }
  let url: URL;
  try {
    url = new URL(input.url);
  } catch {
    return { kind: "failed", reason: `the broker URL ${JSON.stringify(input.url)} is not a URL` };
  }
  const body = JSON.stringify({
    account: input.account,
    role: input.role,
    ...(input.ticket !== undefined ? { ticket: input.ticket } : {}),
    ...(input.duration !== undefined ? { duration: input.duration } : {}),
  });
  const signer = new SignatureV4({ service: "lambda", region: input.region, credentials: input.credentials, sha256: Sha256 });
  const signed = await signer.sign(
    {
      method: "POST",
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { host: url.host, "content-type": "application/json" },
      body,
    },
    { signingDate: now },
  );
  // fetch sets Host itself, to the same value that was signed.
  const headers = Object.fromEntries(Object.entries(signed.headers).filter(([k]) => k.toLowerCase() !== "host"));
  let response: Response;
  try {
    response = await (input.fetch ?? fetch)(url, { method: "POST", headers, body });
  } catch (err) {
    return { kind: "failed", reason: `cannot reach the broker at ${url.origin}: ${(err as Error).message}` };
  }
  const text = await response.text();
  let answer: Record<string, unknown> = {};
  try {
    answer = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // Lambda's own errors are JSON too; anything else is reported by status below.
  }
  if (response.status === 200) return sessionFrom(answer);
  if (answer.decision === "denied") return { kind: "denied", reason: String(answer.reason) };
  if (answer.decision === "invalid") return { kind: "failed", reason: `the broker refused the request as malformed: ${String(answer.reason)}` };
  if (answer.decision === "error") return { kind: "failed", reason: `the broker could not get the session: ${String(answer.reason)}` };
  const message = String(answer.message ?? answer.Message ?? text).trim();
  if (response.status === 403 && /expired/i.test(message))
    return { kind: "expired", reason: `the broker's function URL refused your credentials: ${message}; sign in again` };
  if (response.status === 403) {
    return {
      kind: "denied",
      reason: `the broker's function URL refused the call (${message || "Forbidden"}): your principal needs lambda:InvokeFunctionUrl and lambda:InvokeFunction on the broker (baseline validate lists them)`,
    };
  }
  return { kind: "failed", reason: `the broker answered HTTP ${response.status}: ${message.slice(0, 300)}` };
}

function sessionFrom(answer: Record<string, unknown>): AccessOutcome {
  const fields = ["AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"] as const;
  if (answer.Version !== 1 || fields.some((f) => typeof answer[f] !== "string")) {
    return { kind: "failed", reason: "the broker's answer is not a credential_process document" };
  }
  return {
    kind: "session",
    credentials: {
      Version: 1,
      AccessKeyId: answer.AccessKeyId as string,
      SecretAccessKey: answer.SecretAccessKey as string,
      SessionToken: answer.SessionToken as string,
      Expiration: answer.Expiration as string,
    },
  };
}
