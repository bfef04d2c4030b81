import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { configIssues } from "../helpers/config.js";

/**
 * One test per pattern of the must-never list that config can express: the loader
 * refuses it, names the field, and says why it is unsafe.
 */

type Json = Record<string, unknown>;

function baseConfig(): Json {
  return {
    organization: { id: "o-exampleorg1", name: "Example" },
    defaults: { regions: ["eu-west-1", "eu-central-1"] },
    permissionBoundary: { name: "boundary" },
    backend: { type: "s3", bucket: "tf-state-bucket", region: "eu-west-1" },
    accounts: [
      {
        id: "111111111111",
        name: "shared",
        role: "shared",
        environment: "shared",
        ou: "/",
        keys: [{ name: "shared-secrets" }],
        secrets: [{ name: "db", key: "shared-secrets", readers: [{ role: { account: "app", role: "api" } }] }],
        roles: [{ name: "auditor", kind: "human", trusted: [{ account: "app", role: "people" }] }],
      },
      {
        id: "222222222222",
        name: "app",
        role: "workload",
        environment: "prod",
        ou: "/",
        tags: { Project: "payments" },
        roles: [{ name: "api", kind: "service", services: ["ecs-tasks.amazonaws.com"] }],
      },
      { id: "333333333333", name: "security", role: "security", environment: "security", ou: "/" },
    ],
  };
}

/** The loader's messages for a config changed by `edit`; empty if it loads. */
function problems(edit: (c: Json & { accounts: Json[] }) => void): string[] {
  const config = baseConfig() as Json & { accounts: Json[] };
  edit(config);
  return configIssues(stringify(config)).map((i) => `${i.path}: ${i.message}`);
}

const roles = (c: { accounts: Json[] }, i: number) => c.accounts[i]!.roles as Json[];
const secrets = (c: { accounts: Json[] }, i: number) => c.accounts[i]!.secrets as Json[];

describe("identity refusals", () => {
  it("loads the base config", () => expect(problems(() => {})).toEqual([]));

  it.each(["*", "repo:*", "repo:example/*", "repo:example/live:*", "repo:example/live:ref:refs/heads/*", "repo:example/live"])(
    "refuses the OIDC subject %s",
    (subject) => {
      const out = problems((c) => roles(c, 1).push({ name: "deployer", kind: "github", subjects: ["repo:example/live:pull_request", subject] }));
      expect(out).toHaveLength(1);
      expect(out[0]).toMatch(/^accounts\[1\]\.roles\[1\]\.subjects\[1\]: OIDC subject/);
      expect(out[0]).toMatch(subject.includes("*") ? /wildcard: any workflow matching it/ : /not a pinned subject/);
    },
  );

  it("refuses an unconditioned * principal", () => {
    const out = problems((c) => roles(c, 0).push({ name: "open", kind: "cross-account", trusted: [{ arn: "*" }] }));
    expect(out).toEqual(['accounts[0].roles[1].trusted[0].arn: principal "*" trusts everyone (every AWS account): name the exact role ARNs']);
  });

  it("refuses wildcard and whole-account principals", () => {
    const out = problems((c) =>
      roles(c, 0).push({
        name: "wide",
        kind: "cross-account",
        trusted: [{ arn: "arn:aws:iam::222222222222:role/*" }, { arn: "arn:aws:iam::222222222222:root" }],
      }),
    );
    expect(out[0]).toMatch(/trusted\[0\]\.arn: .*has a wildcard/);
    expect(out[1]).toMatch(/trusted\[1\]\.arn: .*trusts a whole account/);
  });

  it("refuses a third party without an external id", () => {
    const out = problems((c) => roles(c, 0).push({ name: "vendor", kind: "cross-account", trusted: [{ arn: "arn:aws:iam::999999999999:role/Scanner" }] }));
    expect(out).toEqual([
      expect.stringMatching(/^accounts\[0\]\.roles\[1\]\.trusted\[0\]\.arn: .*outside the organization: a third party must present an external id/),
    ]);
  });

  it("refuses people trusted from outside the organization", () => {
    const out = problems((c) => roles(c, 0).push({ name: "p", kind: "break-glass", trusted: [{ arn: "arn:aws:iam::999999999999:role/Someone" }] }));
    expect(out[0]).toMatch(/outside the organization; a break-glass role trusts only roles of the organization/);
  });

  it('refuses Action "*"', () => {
    const out = problems((c) => (roles(c, 1)[0]!.statements = [{ actions: ["*"], resources: ["*"] }]));
    expect(out).toEqual(['accounts[1].roles[0].statements[0]: action "*" allows every action of every service (full admin); name the actions']);
  });

  it("refuses service:* actions", () => {
    const out = problems((c) => (roles(c, 1)[0]!.statements = [{ actions: ["s3:*"], resources: ["arn:aws:s3:::bucket/*"] }]));
    expect(out).toEqual([
      'accounts[1].roles[0].statements[0]: action "s3:*" allows every action of the service, its administration included; name the actions',
    ]);
  });

  it("refuses iam:PassRole on every resource", () => {
    const out = problems((c) => (roles(c, 1)[0]!.statements = [{ actions: ["iam:PassRole"], resources: ["*"] }]));
    expect(out).toEqual([expect.stringMatching(/^accounts\[1\]\.roles\[0\]\.statements\[0\]: iam:PassRole on every resource: .*privilege-escalation/)]);
  });

  it("refuses kms:Decrypt on every resource", () => {
    const out = problems((c) => (roles(c, 1)[0]!.statements = [{ actions: ["kms:Decrypt"], resources: ["*"] }]));
    expect(out).toEqual([expect.stringMatching(/kms:Decrypt on every resource: decrypting with every key/)]);
  });

  it("refuses unknown condition operators", () => {
    const out = problems(
      (c) =>
        (roles(c, 1)[0]!.statements = [
          { effect: "Deny", actions: ["s3:GetObject"], resources: ["*"], conditions: { StringNotEqual: { "aws:PrincipalOrgID": "o-exampleorg1" } } },
        ]),
    );
    expect(out).toEqual([
      expect.stringMatching(
        /unknown condition operator "StringNotEqual": IAM never matches it, so the statement silently does nothing \(a Deny stops nothing\)/,
      ),
    ]);
  });

  it("refuses AdministratorAccess outside break-glass", () => {
    const out = problems((c) => (roles(c, 1)[0]!.managedPolicies = ["arn:aws:iam::aws:policy/AdministratorAccess"]));
    expect(out[0]).toMatch(/^accounts\[1\]\.roles\[0\]\.managedPolicies\[0\]: .*only a break-glass role/);
  });

  it.each([
    ["human", 7200, /a stolen session of a person must expire within the hour/],
    ["break-glass", 43200, /break-glass access is the most powerful/],
    ["brokered", 3600, /just-in-time access lasts exactly the 900 s/],
    ["service", 900, /IAM allows 3600-43200 s/],
    ["service", 86400, /IAM allows 3600-43200 s/],
    ["github", 7200, /leaked token lives at most an hour/],
  ] as const)("refuses a %s session of %i s", (kind, seconds, why) => {
    const role: Json = { name: "r", kind, maxSessionDuration: seconds };
    if (kind === "human" || kind === "break-glass") role.trusted = [{ account: "app", role: "people" }];
    if (kind === "brokered") role.broker = { account: "shared", role: "auditor" }; // a declared role: a broker that does not exist is refused too
    if (kind === "service") role.services = ["lambda.amazonaws.com"];
    if (kind === "github") role.subjects = ["repo:example/live:environment:prod"];
    const out = problems((c) => roles(c, 1).push(role));
    expect(out).toEqual([
      expect.stringMatching(
        new RegExp(`^accounts\\[1\\]\\.roles\\[1\\]\\.maxSessionDuration: session duration ${seconds} s is out of range for a ${kind} role`),
      ),
    ]);
    expect(out[0]).toMatch(why);
  });

  it("refuses a reader role that does not exist", () => {
    const out = problems((c) => (secrets(c, 0)[0]!.readers = [{ role: { account: "app", role: "ghost" } }]));
    expect(out).toEqual(['accounts[0].secrets[0].readers[0].role: reader role "ghost" does not exist in account app']);
  });

  it("refuses a reader in an account that does not exist", () => {
    const out = problems((c) => (secrets(c, 0)[0]!.readers = [{ role: { account: "nowhere", role: "api" } }]));
    expect(out).toEqual(['accounts[0].secrets[0].readers[0].role: unknown account "nowhere"']);
  });

  it("refuses a secret key that does not exist", () => {
    const out = problems((c) => (secrets(c, 0)[0]!.key = "missing"));
    expect(out).toEqual([expect.stringMatching(/^accounts\[0\]\.secrets\[0\]\.key: key "missing" does not exist/)]);
  });

  it("refuses a granted key or secret that does not exist", () => {
    const out = problems((c) => {
      roles(c, 1)[0]!.grants = { keys: [{ key: { account: "shared", name: "nope" }, via: ["s3"] }], secrets: [{ account: "shared", name: "nope" }] };
    });
    expect(out).toContain('accounts[1].roles[0].grants.keys[0].key: key "nope" does not exist in account shared');
    expect(out).toContain('accounts[1].roles[0].grants.secrets[0]: secret "nope" does not exist in account shared');
  });

  it("refuses cross-account reading of a secret without a customer-managed key", () => {
    const out = problems((c) => delete secrets(c, 0)[0]!.key);
    expect(out).toEqual([
      expect.stringMatching(/^accounts\[0\]\.secrets\[0\]\.readers: readers in other accounts need a customer-managed key .*cannot be shared across accounts/),
    ]);
  });

  it("refuses a cross-account secret grant without a customer-managed key", () => {
    const out = problems((c) => {
      secrets(c, 0).push({ name: "plain" });
      roles(c, 1)[0]!.grants = { secrets: [{ account: "shared", name: "plain" }] };
    });
    expect(out).toContain(
      "accounts[0].secrets[1].readers: readers in other accounts need a customer-managed key (key: ...): the AWS-managed aws/secretsmanager key cannot be shared across accounts, so they could never decrypt the value",
    );
    expect(out.some((m) => m.startsWith("accounts[1].roles[0].grants.secrets[0]: secret plain of shared is encrypted with the AWS-managed key"))).toBe(true);
  });

  it.each(["value", "secretString", "password"])("refuses a secret value in the field %s", (field) => {
    const out = problems((c) => (secrets(c, 0)[0]![field] = "hunter2"));
    expect(out).toEqual([
      expect.stringMatching(
        new RegExp(`^accounts\\[0\\]\\.secrets\\[0\\]\\.${field}: secrets are declared by name only: a value here would be stored in plain text`),
      ),
    ]);
    expect(out.join()).not.toContain("hunter2");
  });

  it("refuses a secret whose key is missing in a replica region", () => {
    const out = problems((c) => {
      (c.accounts[0]!.keys as Json[])[0]!.regions = ["eu-west-1"];
      secrets(c, 0)[0]!.replicaRegions = ["eu-central-1"];
    });
    expect(out).toEqual([expect.stringMatching(/key shared-secrets is not created in eu-central-1, where this secret has a replica/)]);
  });

  it("refuses an incomplete or foreign rotation", () => {
    expect(problems((c) => (secrets(c, 0)[0]!.rotation = { automaticallyAfterDays: 30 }))).toEqual([
      "accounts[0].secrets[0].rotation: rotation needs a rotation function: lambdaArn (your own) or template (AWS-published)",
    ]);
    // Both of a one-of: the message points at the extra key.
    const lambdaArn = "arn:aws:lambda:eu-west-1:111111111111:function:rot";
    expect(problems((c) => (secrets(c, 0)[0]!.rotation = { lambdaArn, automaticallyAfterDays: 30, scheduleExpression: "rate(10 days)" }))).toEqual([
      "accounts[0].secrets[0].rotation.scheduleExpression: set only one of automaticallyAfterDays or scheduleExpression, not both",
    ]);
    expect(
      problems((c) => (secrets(c, 0)[0]!.rotation = { lambdaArn: "arn:aws:lambda:eu-west-1:999999999999:function:rot", automaticallyAfterDays: 30 })),
    ).toEqual([expect.stringMatching(/rotation\.lambdaArn: the rotation function must be in this secret's account and region/)]);
  });

  it("refuses an ABAC grant on a tag the role does not carry", () => {
    const out = problems((c) => (roles(c, 1)[0]!.grants = { abac: { tagKeys: ["Team"] } }));
    expect(out).toEqual([expect.stringMatching(/grants\.abac\.tagKeys\[0\]: the role carries no Team tag/)]);
    expect(problems((c) => (roles(c, 1)[0]!.grants = { abac: { tagKeys: ["Project"] } }))).toEqual([]);
  });

  it("refuses a key administrator from another account, as the JSON Schema says", () => {
    const out = problems((c) => ((c.accounts[0]!.keys as Json[])[0]!.administrators = [{ account: "app", role: "api" }]));
    expect(out).toEqual([
      "accounts[0].keys[0].administrators[0]: a role of this key's own account, by name: management of a key is never delegated across accounts",
    ]);
  });

  it("refuses a broker role that does not exist, suggesting the closest", () => {
    const out = problems((c) => roles(c, 1).push({ name: "jit", kind: "brokered", broker: { account: "shared", role: "audtor" } }));
    expect(out).toEqual([
      expect.stringMatching(/^accounts\[1\]\.roles\[1\]\.broker\.role: role "audtor" does not exist in account shared \(did you mean "auditor"\?\)/),
    ]);
  });
});
