import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { STSClient } from "@aws-sdk/client-sts";
import { fromProcess } from "@aws-sdk/credential-providers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../config/load.js";
import { brokerPolicyData } from "../../modules/broker/asset.js";
import { createHandler, type BrokerPolicy } from "../../modules/broker/handler/index.mjs";
import { functionUrlEvent, loopback, stsStandIn, verifySigV4, type Credentials, type Loopback } from "./loopback.js";

/**
 * `baseline access` end to end on loopback: the CLI signs with the caller's
 * credentials; a function URL stand-in authenticates the SigV4 request as Lambda's
 * AWS_IAM auth does, runs the real handler, which calls a loopback STS.
 */

const BROKER = { accessKeyId: "ASIABROKER", secretAccessKey: "broker-secret", sessionToken: "broker-token" };
const OPERATOR = "arn:aws:iam::555555555555:role/jit/payments-operator";
/** Callers the function URL knows: their keys and who they are. */
const CALLERS: Array<Credentials & { arn: string; expired?: boolean }> = [
  {
    accessKeyId: "ASIAONCALL",
    secretAccessKey: "oncall-secret",
    sessionToken: "oncall-token",
    arn: "arn:aws:sts::555555555555:assumed-role/payments-oncall/alice",
  },
  { accessKeyId: "ASIAAPI", secretAccessKey: "api-secret", sessionToken: "api-token", arn: "arn:aws:sts::555555555555:assumed-role/payments-api/task" },
  {
    accessKeyId: "ASIAOLD",
    secretAccessKey: "old-secret",
    sessionToken: "old-token",
    arn: "arn:aws:sts::555555555555:assumed-role/payments-oncall/alice",
    expired: true,
  },
];

let sts: Awaited<ReturnType<typeof stsStandIn>>;
let url: Loopback;
let home: string;
const audit: string[] = [];

beforeAll(async () => {
  const policy = JSON.parse(JSON.stringify(brokerPolicyData(loadConfig("config/org.yaml").access!))) as BrokerPolicy;
  sts = await stsStandIn(BROKER, [OPERATOR]);
  const handle = createHandler({
    policy,
    sts: new STSClient({ region: "eu-west-1", endpoint: sts.url, credentials: BROKER, maxAttempts: 1 }),
    log: (l) => audit.push(l),
  });
  url = await loopback(async (req) => {
    let caller: (typeof CALLERS)[number] | undefined;
    try {
      const { accessKeyId } = verifySigV4(req, CALLERS, "lambda");
      caller = CALLERS.find((c) => c.accessKeyId === accessKeyId)!;
    } catch (err) {
      return { status: 403, headers: { "content-type": "application/json" }, body: JSON.stringify({ Message: `Forbidden (${(err as Error).message})` }) };
    }
    if (caller.expired) return { status: 403, body: JSON.stringify({ message: "The security token included in the request is expired" }) };
    const event = functionUrlEvent(caller.arn, req.body.toString("utf8"));
    const res = await handle(event, { awsRequestId: "r" });
    return { status: res.statusCode, headers: res.headers, body: res.body };
  });
  home = mkdtempSync(join(tmpdir(), "broker-cli-"));
});

afterAll(async () => {
  await Promise.all([sts.close(), url.close()]);
  rmSync(home, { recursive: true, force: true });
});

const MAIN = resolve("dist/main.js");

/** The built CLI as a child process (asynchronously: the stand-ins answer from this process). */
function run(args: string[], caller: Credentials | undefined, env: NodeJS.ProcessEnv = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("AWS_") && k !== "BASELINE_ACCESS_URL"));
  const child = spawn(process.execPath, [MAIN, "access", ...args], {
    env: {
      ...clean,
      HOME: home,
      AWS_CONFIG_FILE: join(home, "none"),
      AWS_SHARED_CREDENTIALS_FILE: join(home, "none"),
      AWS_EC2_METADATA_DISABLED: "true",
      ...(caller ? { AWS_ACCESS_KEY_ID: caller.accessKeyId, AWS_SECRET_ACCESS_KEY: caller.secretAccessKey, AWS_SESSION_TOKEN: caller.sessionToken } : {}),
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((done) => child.on("close", (status) => done({ status, stdout, stderr })));
}

const ASK = ["--account", "payments-prod", "--role", "payments-operator", "--region", "eu-west-1"];

describe("baseline access", () => {
  it("prints only the credential_process document of a 900-second session, from a SigV4-signed request", async () => {
    const before = url.requests.length;
    const r = await run([...ASK, "--ticket", "INC-1234", "--url", url.url], CALLERS[0]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const issued = sts.issued.at(-1)!;
    expect(JSON.parse(r.stdout)).toEqual({
      Version: 1,
      AccessKeyId: issued.credentials.accessKeyId,
      SecretAccessKey: issued.credentials.secretAccessKey,
      SessionToken: issued.credentials.sessionToken,
      Expiration: issued.expiration,
    });
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
    expect(issued.params.get("DurationSeconds")).toBe("900");
    expect(issued.params.get("SourceIdentity")).toBe("alice");
    // signed for lambda in the broker's region, session token included
    const req = url.requests[before]!;
    expect(verifySigV4(req, CALLERS, "lambda")).toEqual({ accessKeyId: "ASIAONCALL", region: "eu-west-1", service: "lambda" });
    expect(req.headers["x-amz-security-token"]).toBe("oncall-token");
    expect(JSON.parse(audit.at(-1)!)).toMatchObject({ decision: "allowed", ticket: "INC-1234", requester: { role: "payments-oncall", session: "alice" } });
  });

  it("works as an AWS CLI credential_process", async () => {
    const config = join(home, "config");
    const caller = CALLERS[0]!;
    writeFileSync(
      config,
      `[profile jit]\ncredential_process = ${process.execPath} ${MAIN} access --account payments-prod --role payments-operator --ticket CHG-9 --region eu-west-1 --url ${url.url}\n`,
    );
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: caller.accessKeyId,
      AWS_SECRET_ACCESS_KEY: caller.secretAccessKey,
      AWS_SESSION_TOKEN: caller.sessionToken,
    });
    try {
      const creds = await fromProcess({ profile: "jit", configFilepath: config, filepath: join(home, "none") })();
      const issued = sts.issued.at(-1)!;
      expect(creds).toMatchObject({
        accessKeyId: issued.credentials.accessKeyId,
        secretAccessKey: issued.credentials.secretAccessKey,
        sessionToken: issued.credentials.sessionToken,
      });
      expect(creds.expiration?.toISOString()).toBe(issued.expiration);
    } finally {
      process.env = saved;
    }
  });

  it("exits 2 with the broker's reason when the policy refuses, and prints nothing on stdout", async () => {
    const r = await run([...ASK, "--ticket", "INC-1", "--url", url.url], CALLERS[1]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/denied: role payments-api of account 555555555555 is not a requester of payments-prod\/payments-operator/);
    const missing = await run([...ASK, "--url", url.url], CALLERS[0]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/ticket reference is required/);
  });

  it("exits 2 when the function URL refuses the signature, and 3 when the caller's credentials expired", async () => {
    const forged = await run([...ASK, "--ticket", "INC-1", "--url", url.url], { ...CALLERS[0]!, secretAccessKey: "not-the-secret" });
    expect(forged.status).toBe(2);
    expect(forged.stderr).toMatch(/function URL refused the call .*SignatureDoesNotMatch/);
    const expired = await run([...ASK, "--ticket", "INC-1", "--url", url.url], CALLERS[2]);
    expect(expired.status).toBe(3);
    expect(expired.stderr).toMatch(/expired/);
    expect(expired.stdout).toBe("");
  });

  it("exits 1 on a missing URL or missing credentials", async () => {
    const noUrl = await run([...ASK, "--ticket", "INC-1"], CALLERS[0]);
    expect(noUrl.status).toBe(1);
    expect(noUrl.stderr).toMatch(/no broker URL: pass --url or set BASELINE_ACCESS_URL/);
    const noCreds = await run([...ASK, "--ticket", "INC-1"], undefined, { BASELINE_ACCESS_URL: url.url });
    expect(noCreds.status).toBe(1);
    expect(noCreds.stderr).toMatch(/no AWS credentials/);
  });
});
