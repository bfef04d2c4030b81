// Generates an organization of N accounts shaped like a real one (issue 16): every
// example account stays, and each generated workload account gets 2-4 roles of
// several kinds (service, cross-account, github, human), a break-glass role (prod) or
// a brokered one (every other account), 1-2 keys, 1-3 secrets read from other accounts,
// an endpoint set and 2 log groups. Seeded, so the same N always gives the same file.
import { readFileSync } from "node:fs";
import { parse, stringify } from "yaml";
import { random } from "../support/random.mjs";

export function generateRealisticOrg(accounts, { example = "config/org.yaml", regions = ["eu-west-1", "eu-central-1"], seed = 16 } = {}) {
  const org = parse(readFileSync(example, "utf8"));
  const rnd = random(seed);
  const pick = (n) => Math.floor(rnd() * n);
  const fixed = org.accounts;
  const count = Math.max(0, accounts - fixed.length);
  const name = (i) => `acct${String(i + 1).padStart(4, "0")}-${i % 3 === 0 ? "prod" : "dev"}`;
  const generated = [];
  for (let i = 0; i < count; i++) {
    const id = String(700000000000 + i);
    const env = i % 3 === 0 ? "prod" : "dev";
    const project = `proj${String(i % 97).padStart(2, "0")}`;
    const [home, other] = regions;

    const roles = [
      {
        name: "app-api",
        kind: "service",
        services: ["ecs-tasks.amazonaws.com"],
        grants: { logGroups: ["/app/api"], keys: [{ key: "app-data", via: ["s3"], access: "encrypt-decrypt" }] },
      },
    ];
    const extras = [
      {
        name: "app-readonly",
        kind: "cross-account",
        trusted: [{ account: "security", role: "security-auditor" }],
        managedPolicies: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
      },
      { name: "app-worker", kind: "service", path: "/workers/", services: ["lambda.amazonaws.com"], grants: { logGroups: ["/app/api"] } },
      {
        name: "app-deployer",
        kind: "github",
        subjects: [`repo:example-corp/service-${i + 1}:environment:${env}`],
        statements: [{ actions: ["ecs:UpdateService"], resources: [`arn:aws:ecs:${home}:${id}:service/app/api`] }],
      },
      {
        name: "app-oncall",
        kind: "human",
        trusted: [{ account: "management", role: "platform-engineers" }],
        managedPolicies: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
      },
    ];
    const extraCount = 1 + pick(3);
    const start = pick(extras.length);
    for (let k = 0; k < extraCount; k++) roles.push(extras[(start + k) % extras.length]);
    // Privileged paths, each watched by the trail's alarms (over several filters when many): break-glass in prod, a brokered role in every other account.
    if (env === "prod") {
      roles.push({
        name: "app-break-glass",
        kind: "break-glass",
        trusted: [{ account: "security", role: "incident-commander" }],
        maxSessionDuration: 900,
        managedPolicies: ["arn:aws:iam::aws:policy/AdministratorAccess"],
      });
    }
    if (i % 2 === 1) {
      roles.push({
        name: "app-operator",
        kind: "brokered",
        path: "/jit/",
        broker: { account: "security", role: "access-broker" },
        sessionTags: ["Ticket", "Requester"],
        managedPolicies: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
      });
    }

    const keys = [{ name: "app-data", users: roles.some((r) => r.name === "app-worker") ? [{ role: "app-worker", via: ["s3"], access: "decrypt" }] : [] }];
    if (rnd() < 0.5) keys.push({ name: "app-secrets", regions: [home], rotationPeriodDays: 180 });

    // Readers in other accounts: the next account and one further away, so every account both owns and reads secrets.
    const reader = (offset) => ({ role: { account: name((i + offset) % count), role: "app-api" } });
    const secrets = [];
    const secretCount = 1 + pick(3);
    for (let s = 0; s < secretCount; s++) {
      const secret = {
        name: `app/secret-${s + 1}`,
        key: "app-data",
        readers: [{ role: "app-api" }, ...(count > 1 ? [reader(1 + s)] : []), ...(count > 2 && s === 0 ? [reader(1 + pick(count - 1))] : [])],
      };
      if (s === 0 && rnd() < 0.5) secret.replicaRegions = [other];
      if (s === 1) secret.readers.push({ tags: { Project: project } });
      if (s === 0) {
        secret.rotation = {
          template: {
            application: "SecretsManagerRDSPostgreSQLRotationSingleUser",
            semanticVersion: "1.1.367",
            parameters: { vpcSubnetIds: "subnet-0a1b2c3d4e5f60101", vpcSecurityGroupIds: "sg-0a1b2c3d4e5f60103" },
          },
          automaticallyAfterDays: 30,
        };
      } else if (s === 2) {
        secret.rotation = { lambdaArn: `arn:aws:lambda:${home}:${id}:function:app-rotation`, scheduleExpression: "rate(30 days)", duration: "2h" };
      }
      secrets.push(secret);
    }
    // Secrets keep their reader lists unique.
    for (const s of secrets) s.readers = s.readers.filter((r, n, all) => all.findIndex((x) => JSON.stringify(x) === JSON.stringify(r)) === n);

    const hex = id.slice(-8);
    generated.push({
      id,
      name: name(i),
      role: "workload",
      environment: env,
      ou: env === "prod" ? "/Workloads/Prod" : "/Workloads/NonProd",
      tags: { Project: project },
      roles,
      keys,
      secrets,
      endpoints: [
        {
          name: "main",
          region: home,
          vpc: { id: `vpc-0${hex}aaaaaaaa`, subnetIds: [`subnet-0${hex}00000001`, `subnet-0${hex}00000002`] },
          allowedCidrs: [`10.${i % 250}.0.0/16`],
          ...(rnd() < 0.5 ? { gateways: ["s3"] } : {}),
        },
      ],
      logGroups: [{ name: "/app/api" }, { name: "/app/audit", regions: [home], retentionDays: 731 }],
    });
  }
  org.defaults = { ...org.defaults, regions };
  for (const a of fixed) if (a.regions && a.role !== "management") delete a.regions;
  return stringify({ ...org, accounts: [...fixed, ...generated] }, { lineWidth: 0 });
}
