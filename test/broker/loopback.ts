import { createHash, createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * Loopback stand-ins for the AWS endpoints the broker and `baseline access` talk to,
 * with an independent SigV4 verifier (written from the specification, not the SDK's
 * signer), so a request that would not authenticate at AWS fails here too.
 */

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface ReceivedRequest {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body: Buffer;
}

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");
const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest();
const encode = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export interface Verified {
  accessKeyId: string;
  region: string;
  service: string;
}

/** Verifies a SigV4 Authorization header; throws with the reason a real endpoint would refuse for. */
export function verifySigV4(req: ReceivedRequest, known: Credentials[], service: string, now = new Date()): Verified {
  const auth = req.headers["authorization"] ?? "";
  const m =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(
      auth,
    );
  if (!m) throw new Error(`not a SigV4 Authorization header: ${JSON.stringify(auth)}`);
  const [, accessKeyId, date, region, signedService, signedHeaders, signature] = m as unknown as string[];
  if (signedService !== service) throw new Error(`signed for service ${signedService}, expected ${service}`);
  const creds = known.find((c) => c.accessKeyId === accessKeyId);
  if (!creds) throw new Error("UnrecognizedClientException: the access key is not known");
  const headerNames = signedHeaders!.split(";");
  for (const required of ["host", "x-amz-date"]) if (!headerNames.includes(required)) throw new Error(`${required} is not signed`);
  if (creds.sessionToken !== undefined) {
    if (req.headers["x-amz-security-token"] !== creds.sessionToken) throw new Error("missing or wrong session token");
    if (!headerNames.includes("x-amz-security-token")) throw new Error("the session token is not signed");
  }
  const amzDate = req.headers["x-amz-date"]!;
  if (!amzDate.startsWith(date!)) throw new Error("credential scope date differs from x-amz-date");
  const signedAt = Date.parse(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, "$1-$2-$3T$4:$5:$6Z"));
  if (Math.abs(now.getTime() - signedAt) > 15 * 60 * 1000) throw new Error("signature expired");
  const query = req.query
    .split("&")
    .filter(Boolean)
    .map((p) =>
      p
        .split("=")
        .map((x) => encode(decodeURIComponent(x ?? "")))
        .join("="),
    )
    .sort()
    .join("&");
  const canonicalHeaders = headerNames.map((h) => `${h}:${(req.headers[h] ?? "").trim().replace(/\s+/g, " ")}\n`).join("");
  const payloadHash = req.headers["x-amz-content-sha256"] ?? sha256(req.body);
  if (payloadHash !== sha256(req.body)) throw new Error("the body does not match its signed hash");
  const canonical = [
    req.method,
    req.path
      .split("/")
      .map((s) => encode(decodeURIComponent(s)))
      .join("/"),
    query,
    canonicalHeaders,
    signedHeaders,
    payloadHash,
  ].join("\n");
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonical)].join("\n");
  const key = hmac(hmac(hmac(hmac(`AWS4${creds.secretAccessKey}`, date!), region!), service), "aws4_request");
  const expected = createHmac("sha256", key).update(toSign).digest("hex");
  if (expected !== signature) throw new Error("SignatureDoesNotMatch");
  return { accessKeyId: accessKeyId!, region: region!, service };
}

export type Handler = (req: ReceivedRequest) => Promise<{ status: number; headers?: Record<string, string>; body: string }>;

export interface Loopback {
  url: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 and a free port, answering with `handle`. */
export async function loopback(handle: Handler): Promise<Loopback> {
  const requests: ReceivedRequest[] = [];
  const server: Server = createServer((incoming: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (c: Buffer) => chunks.push(c));
    incoming.on("end", () => {
      const [path = "/", query = ""] = (incoming.url ?? "/").split("?");
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(incoming.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(",") : (v ?? "");
      const req: ReceivedRequest = { method: incoming.method ?? "GET", path, query, headers, body: Buffer.concat(chunks) };
      requests.push(req);
      handle(req).then(
        (out) => {
          res.writeHead(out.status, out.headers ?? {});
          res.end(out.body);
        },
        (err: unknown) => {
          res.writeHead(500);
          res.end(String(err));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface IssuedSession {
  params: URLSearchParams;
  credentials: Required<Credentials>;
  expiration: string;
}

/**
 * STS as the Query protocol speaks it: a form-encoded POST signed for `sts`, answered
 * with the AssumeRoleResponse XML, or an ErrorResponse for roles it does not know.
 */
export async function stsStandIn(caller: Credentials, assumable: string[], now = () => new Date()): Promise<Loopback & { issued: IssuedSession[] }> {
  const issued: IssuedSession[] = [];
  let n = 0;
  const server = await loopback(async (req) => {
    const error = (status: number, code: string, message: string) => ({
      status,
      headers: { "content-type": "text/xml" },
      body: `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>req-${n}</RequestId></ErrorResponse>`,
    });
    try {
      verifySigV4(req, [caller], "sts");
    } catch (err) {
      return error(403, "SignatureDoesNotMatch", (err as Error).message);
    }
    if (!(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) return error(400, "InvalidParameterValue", "not a Query request");
    const params = new URLSearchParams(req.body.toString("utf8"));
    if (params.get("Action") !== "AssumeRole" || params.get("Version") !== "2011-06-15") return error(400, "InvalidAction", "unsupported action");
    const roleArn = params.get("RoleArn") ?? "";
    if (!assumable.includes(roleArn)) return error(403, "AccessDenied", `User is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
    n += 1;
    const credentials = {
      accessKeyId: `ASIASESSION${n}`,
      secretAccessKey: `session-secret-${n}-${"x".repeat(20)}`,
      sessionToken: `session-token-${n}-${"y".repeat(40)}`,
    };
    const expiration = new Date(now().getTime() + Number(params.get("DurationSeconds") ?? 3600) * 1000).toISOString();
    issued.push({ params, credentials, expiration });
    const role = roleArn.split("/").pop();
    return {
      status: 200,
      headers: { "content-type": "text/xml" },
      body:
        `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>` +
        `<SourceIdentity>${params.get("SourceIdentity") ?? ""}</SourceIdentity>` +
        `<AssumedRoleUser><Arn>${roleArn.replace(":iam::", ":sts::").replace(/:role\/.*$/, `:assumed-role/${role}/${params.get("RoleSessionName")}`)}</Arn><AssumedRoleId>AROAEXAMPLE:${params.get("RoleSessionName")}</AssumedRoleId></AssumedRoleUser>` +
        `<Credentials><AccessKeyId>${credentials.accessKeyId}</AccessKeyId><SecretAccessKey>${credentials.secretAccessKey}</SecretAccessKey><SessionToken>${credentials.sessionToken}</SessionToken><Expiration>${expiration}</Expiration></Credentials>` +
        `<PackedPolicySize>6</PackedPolicySize></AssumeRoleResult><ResponseMetadata><RequestId>req-${n}</RequestId></ResponseMetadata></AssumeRoleResponse>`,
    };
  });
  return { ...server, issued };
}

/** The event Lambda hands a function with an AWS_IAM function URL, for a caller signed in as `userArn`. */
export function functionUrlEvent(userArn: string, body: unknown, principalOrgId = "o-exampleorg1"): Record<string, unknown> {
  const accountId = /::(\d{12}):/.exec(userArn)?.[1];
  return {
    version: "2.0",
    rawPath: "/",
    headers: { "content-type": "application/json" },
    isBase64Encoded: false,
    body: typeof body === "string" ? body : JSON.stringify(body),
    requestContext: {
      accountId: "anonymous",
      domainName: "abc.lambda-url.eu-west-1.on.aws",
      http: { method: "POST", path: "/", protocol: "HTTP/1.1", sourceIp: "192.0.2.10", userAgent: "test" },
      authorizer: { iam: { accessKey: "ASIACALLER", accountId, callerId: "AROACALLER:session", principalOrgId, userArn, userId: "AROACALLER:session" } },
    },
  };
}
