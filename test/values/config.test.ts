import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { configIssues } from "../helpers/config.js";

/**
 * Write-only first values, Parameter Store hierarchies and outbound tokens: what the
 * loader accepts, what it refuses and why, and that a value written where none
 * belongs is never repeated in the message.
 */

type Json = Record<string, unknown>;
type Config = Json & { accounts: Json[]; pipelines?: Json };

const SENTINEL = "Sup3r-S3cret-Sentinel-7f3a";

function baseConfig(): Config {
  return {
    organization: { id: "o-exampleorg1", name: "Example" },
    defaults: { regions: ["eu-west-1", "eu-central-1"] },
    permissionBoundary: { name: "boundary" },
    backend: { type: "s3", bucket: "tf-state-bucket", region: "eu-west-1" },
    pipelines: { github: { owner: "example-corp", repository: "live", ownerId: 81234567, repositoryId: 703456789 } },
    accounts: [
      {
        id: "222222222222",
        name: "app",
        role: "workload",
        environment: "prod",
        ou: "/",
        tags: { Project: "payments" },
        keys: [{ name: "app-data" }],
        roles: [{ name: "api", kind: "service", services: ["ecs-tasks.amazonaws.com"] }],
        secrets: [{ name: "app/token", key: "app-data", readers: [{ role: "api" }], initialValue: { fromVariable: "app_token" } }],
        parameters: [
          {
            path: "/prod/app",
            key: "app-data",
            readers: [{ role: "api" }],
            parameters: [
              { name: "log-level", value: "info" },
              { name: "database-url", type: "SecureString", initialValue: { generate: { length: 40 } } },
            ],
          },
        ],
      },
      { id: "333333333333", name: "security", role: "security", environment: "security", ou: "/" },
    ],
  };
}

function problems(edit: (c: Config) => void = () => {}): string[] {
  const config = baseConfig();
  edit(config);
  return configIssues(stringify(config)).map((i) => `${i.path}: ${i.message}`);
}

const app = (c: Config) => c.accounts[0]!;
const secret = (c: Config) => (app(c).secrets as Json[])[0]!;
const hierarchy = (c: Config) => (app(c).parameters as Json[])[0]!;
const parameter = (c: Config, i: number) => (hierarchy(c).parameters as Json[])[i]!;
const role = (c: Config) => (app(c).roles as Json[])[0]!;

describe("write-only first values", () => {
  it("accepts the base config", () => expect(problems()).toEqual([]));

  it("refuses a value written as initialValue, without repeating it", () => {
    const found = problems((c) => (secret(c).initialValue = SENTINEL));
    expect(found).toEqual([
      expect.stringMatching(/^accounts\[0\]\.secrets\[0\]\.initialValue: initialValue says how the first value is made .* never the value itself/),
    ]);
    expect(found.join("\n")).not.toContain(SENTINEL);
  });

  it("needs exactly one source", () => {
    expect(problems((c) => (secret(c).initialValue = { version: 2 }))).toEqual([expect.stringMatching(/initialValue: give exactly one source/)]);
    expect(problems((c) => (secret(c).initialValue = { fromVariable: "x", generate: {} }))).toEqual([expect.stringMatching(/give exactly one source/)]);
  });

  it("gives each value its own variable, and never the stack's own", () => {
    expect(problems((c) => (parameter(c, 1).initialValue = { fromVariable: "app_token" }))).toEqual([
      expect.stringMatching(
        /^accounts\[0\]\.parameters\[0\]\.parameters\[1\]\.initialValue\.fromVariable: variable app_token already supplies accounts\.0\.secrets\.0\.initialValue/,
      ),
    ]);
    expect(problems((c) => (secret(c).initialValue = { fromVariable: "deploy_role_arn" }))).toEqual([expect.stringMatching(/taken by the stack itself/)]);
  });

  it("refuses a generated value too short to be a credential", () => {
    expect(problems((c) => (secret(c).initialValue = { generate: { length: 8 } }))).toEqual([expect.stringMatching(/generate\.length: .*at least 16/)]);
  });

  it("refuses a pipeline Terraform older than 1.11, which has no write-only arguments", () => {
    expect(problems((c) => (c.pipelines!.terraformVersion = "1.10.5"))).toEqual([
      expect.stringMatching(/^pipelines\.terraformVersion: write-only values \(initialValue\) need Terraform >= 1\.11\.0/),
    ]);
    expect(problems((c) => (c.pipelines!.terraformVersion = "1.11.0"))).toEqual([]);
  });
});

describe("parameter hierarchies", () => {
  it("refuses a SecureString value in config, without repeating it", () => {
    const found = problems((c) => (parameter(c, 1).value = SENTINEL));
    expect(found).toEqual([expect.stringMatching(/parameters\[1\]\.value: a SecureString's value never goes in config/)]);
    expect(found.join("\n")).not.toContain(SENTINEL);
  });

  it("refuses plain Strings named like credentials", () => {
    for (const name of ["db-password", "stripeApiKey", "oauth/client_secret", "signing.key"]) {
      expect(
        problems((c) => (parameter(c, 0).name = name)),
        name,
      ).toEqual([expect.stringMatching(/parameters\[0\]\.type: .* looks like a credential .*make it a SecureString/)]);
    }
    expect(problems((c) => (parameter(c, 0).name = "bypass-cache"))).toEqual([]);
  });

  it("needs a customer-managed key of the account for SecureStrings", () => {
    expect(problems((c) => delete hierarchy(c).key)).toEqual([
      expect.stringMatching(/^accounts\[0\]\.parameters\[0\]\.key: SecureString parameters need a customer-managed key/),
    ]);
    expect(problems((c) => (hierarchy(c).key = "nope"))).toEqual([expect.stringMatching(/key "nope" does not exist/)]);
  });

  it("validates every path segment and the depth", () => {
    expect(problems((c) => (hierarchy(c).path = "/prod/app/"))).toEqual([expect.stringMatching(/path: a hierarchy path/)]);
    expect(problems((c) => (hierarchy(c).path = "/prod/a b"))).toEqual([expect.stringMatching(/path: a hierarchy path/)]);
    expect(problems((c) => (hierarchy(c).path = "/aws/app"))).toEqual([expect.stringMatching(/reserved by Parameter Store/)]);
    expect(problems((c) => (parameter(c, 0).name = "../x"))).toEqual([expect.stringMatching(/name: \/prod\/app\/\.\.\/x has a \. or \.\. segment/)]);
    expect(problems((c) => (parameter(c, 0).name = "a//b"))).toEqual([expect.stringMatching(/name: a name under the hierarchy/)]);
    expect(problems((c) => (hierarchy(c).path = `/${Array.from({ length: 15 }, (_, i) => `l${i}`).join("/")}`))).toEqual([
      expect.stringMatching(/more than 15 levels/),
      expect.stringMatching(/more than 15 levels/),
    ]);
  });

  it("wants a String's value and keeps it within the tier", () => {
    expect(problems((c) => delete parameter(c, 0).value)).toEqual([expect.stringMatching(/a String parameter needs its value/)]);
    expect(problems((c) => (parameter(c, 0).value = "x".repeat(5000)))).toEqual([
      expect.stringMatching(/5000 bytes is over the 4096 bytes of the Standard tier/),
    ]);
    expect(problems((c) => Object.assign(parameter(c, 0), { value: "x".repeat(5000), tier: "Advanced" }))).toEqual([]);
  });

  it("refuses readers that are not roles of this account, and empty ABAC matches", () => {
    expect(problems((c) => (hierarchy(c).readers = [{ role: "ghost" }]))).toEqual([
      expect.stringMatching(/role "ghost" does not exist in this account; Parameter Store shares .* only through RAM/),
    ]);
    expect(problems((c) => (hierarchy(c).readers = [{ tags: {} }]))).toEqual([
      expect.stringMatching(/readers\[0\]\.tags: an ABAC reader needs at least one tag/),
    ]);
    expect(problems((c) => (hierarchy(c).readers = [{ role: "api", tags: { Team: "x" } }]))).toEqual([
      expect.stringMatching(/either a role of this account .* or an ABAC match/),
    ]);
  });

  it("refuses duplicate names across hierarchies", () => {
    const found = problems((c) => (app(c).parameters as Json[]).push({ path: "/prod", parameters: [{ name: "app/log-level", value: "debug" }] }));
    expect(found).toEqual([expect.stringMatching(/^accounts\[0\]\.parameters\[1\]\.parameters\[0\]\.name: duplicate parameter \/prod\/app\/log-level/)]);
  });
});

describe("outbound tokens", () => {
  const grant = (c: Config, tokens: Json) => (role(c).grants = { outboundTokens: tokens });

  it("accepts exact audiences and a bounded lifetime", () => {
    expect(problems((c) => grant(c, { audiences: ["https://api.example.com"], maxDurationSeconds: 300, tags: { Team: "payments" } }))).toEqual([]);
  });

  it("refuses wildcard audiences, too many audiences and lifetimes outside 60-3600 s", () => {
    expect(problems((c) => grant(c, { audiences: ["https://*.example.com"], maxDurationSeconds: 300 }))).toEqual([
      expect.stringMatching(/outboundTokens: audience .* has a wildcard/),
    ]);
    expect(problems((c) => grant(c, { audiences: Array.from({ length: 11 }, (_, i) => `a${i}`), maxDurationSeconds: 300 }))).toEqual([
      expect.stringMatching(/at most 10 audiences/),
    ]);
    expect(problems((c) => grant(c, { audiences: ["x"], maxDurationSeconds: 7200 }))).toEqual([
      expect.stringMatching(/maxDurationSeconds: tokens live 60-3600 s/),
    ]);
  });
});

describe("Roles Anywhere roles", () => {
  const dir = mkdtempSync(join(tmpdir(), "values-ra-"));
  const config = join(dir, "org.yaml");
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "ca.pem"), "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
  writeFileSync(
    join(dir, "with-key.pem"),
    `-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\n${SENTINEL}\n-----END PRIVATE KEY-----\n`,
  );
  writeFileSync(join(dir, "empty.pem"), "not a certificate\n");

  const agent = (): Json => ({
    name: "agent",
    kind: "roles-anywhere",
    trustAnchor: { certificateBundle: "ca.pem" },
    certificates: [{ subject: { CN: "agent01.dc1.example.com", OU: "platform" }, issuer: { CN: "Example CA" } }],
    maxSessionDuration: 900,
  });
  const load = (edit: (role: Json) => void = () => {}): string[] => {
    const c = baseConfig();
    const role = agent();
    edit(role);
    (app(c).roles as Json[]).push(role);
    return configIssues(stringify(c), config).map((i) => `${i.path}: ${i.message}`);
  };

  it("accepts a declared certificate with a CA bundle next to the config, or an ACM Private CA", () => {
    expect(load()).toEqual([]);
    expect(
      load((r) => (r.trustAnchor = { acmPcaArn: "arn:aws:acm-pca:eu-west-1:222222222222:certificate-authority/12345678-1234-1234-1234-123456789012" })),
    ).toEqual([]);
  });

  it("refuses a bundle holding a private key (without echoing it), no certificate, a missing file or one above the config", () => {
    const withKey = load((r) => (r.trustAnchor = { certificateBundle: "with-key.pem" }));
    expect(withKey).toEqual([expect.stringMatching(/certificateBundle: with-key\.pem contains a private key/)]);
    expect(withKey.join("\n")).not.toContain(SENTINEL);
    expect(load((r) => (r.trustAnchor = { certificateBundle: "empty.pem" }))).toEqual([expect.stringMatching(/holds no PEM certificate/)]);
    expect(load((r) => (r.trustAnchor = { certificateBundle: "missing.pem" }))).toEqual([expect.stringMatching(/missing\.pem does not exist/)]);
    expect(load((r) => (r.trustAnchor = { certificateBundle: "../ca.pem" }))).toEqual([expect.stringMatching(/not above/)]);
    expect(load((r) => (r.trustAnchor = {}))).toEqual([expect.stringMatching(/trustAnchor: give exactly one trust anchor/)]);
  });

  it("refuses certificates without a subject CN or with wildcards", () => {
    expect(load((r) => (r.certificates = [{ subject: { OU: "platform" } }]))).toEqual([
      expect.stringMatching(/certificates\[0\]: name the certificate's subject CN/),
    ]);
    expect(load((r) => (r.certificates = [{ subject: { CN: "*.dc1.example.com" } }]))).toEqual([expect.stringMatching(/has a wildcard/)]);
  });

  it("bounds the session to 900-3600 s and keeps the session policy off the must-never list", () => {
    expect(load((r) => (r.maxSessionDuration = 7200))).toEqual([
      expect.stringMatching(/session duration 7200 s is out of range for a roles-anywhere role \(900-3600 s\)/),
    ]);
    expect(load((r) => (r.sessionPolicy = [{ actions: ["*"], resources: ["*"] }]))).toEqual([
      expect.stringMatching(/sessionPolicy\[0\]: action "\*" allows every action/),
    ]);
    expect(load((r) => (r.statements = [{ actions: ["iam:PassRole"], resources: ["*"] }]))).toEqual([
      expect.stringMatching(/statements\[0\]: iam:PassRole on every resource/),
    ]);
  });
});
