import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { parseConfig } from "../../config/load.js";
import { MAX_PATTERN_LENGTH, unexpectedReadsPatterns, type ExpectedReaders } from "../../modules/monitoring.js";
import { expectedSecretReaders } from "../../modules/secret-readers.js";
import { synthesizeInto } from "../../stacks/synth.js";
import { matchesFilter } from "../helpers/filter-pattern.js";

const tmp = mkdtempSync(join(tmpdir(), "baseline-alarms-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const ACCOUNT = "555555555555";

/** A successful GetSecretValue in ACCOUNT by `who`. */
function read(who: { type: "IAMUser" | "Root" } | { role: string; session?: string }, secretId = "app/db"): Record<string, unknown> {
  const userIdentity =
    "type" in who
      ? { type: who.type, arn: `arn:aws:iam::${ACCOUNT}:user/someone` }
      : {
          type: "AssumedRole",
          arn: `arn:aws:sts::${who.role.split(":")[4]}:assumed-role/${who.role.split("/").pop()}/${who.session ?? "session"}`,
          sessionContext: { sessionIssuer: { arn: who.role } },
        };
  return {
    eventSource: "secretsmanager.amazonaws.com",
    eventName: "GetSecretValue",
    recipientAccountId: ACCOUNT,
    requestParameters: { secretId },
    userIdentity,
  };
}

/** How many of the filters count the event: an undeclared read must be counted exactly once, a declared one never. */
const counted = (patterns: string[], event: Record<string, unknown>) => patterns.filter((p) => matchesFilter(p, event)).length;

/** Deterministic pseudo-random numbers, so a failure is reproducible. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a * 1103515245 + 12345) % 2147483648;
    return a / 2147483648;
  };
}

function readerSet(n: number, rnd: () => number): string[] {
  const arns = new Set<string>();
  while (arns.size < n) {
    const account = String(100000000000 + Math.floor(rnd() * 50) * 7919);
    const path = rnd() < 0.3 ? "/jit/" : "/";
    arns.add(`arn:aws:iam::${account}:role${path}reader-${Math.floor(rnd() * 40)}`);
  }
  return [...arns];
}

/** Roles that are not readers but look like them: same account, a prefix or an extension of a reader's ARN, other accounts. */
function nearMisses(readers: string[], rnd: () => number): string[] {
  const misses = new Set<string>();
  for (const arn of readers.slice(0, 30)) {
    misses.add(`${arn}x`);
    misses.add(arn.slice(0, -1));
    misses.add(arn.replace(/reader-/, "writer-"));
    misses.add(arn.replace(/iam::(\d)/, (_, d: string) => `iam::${(Number(d) + 1) % 10}`));
  }
  for (let i = 0; i < 40; i++) misses.add(`arn:aws:iam::${String(Math.floor(rnd() * 1e12)).padStart(12, "0")}:role/other-${i}`);
  return [...misses].filter((arn) => !readers.includes(arn));
}

describe("undeclared secret-read filters", () => {
  const base: Omit<ExpectedReaders, "roleArns"> = { tagReadSecrets: ["app/by-tag"], rotationFunctions: ["rotate-app-db"] };

  it("stays one pattern while the readers fit", () => {
    const patterns = unexpectedReadsPatterns(ACCOUNT, { ...base, roleArns: readerSet(3, random(1)) });
    expect(patterns).toHaveLength(1);
  });

  for (const [size, seed] of [
    [3, 1],
    [25, 2],
    [120, 3],
  ] as const) {
    it(`counts every undeclared read exactly once and no declared read, with ${size} readers`, () => {
      const rnd = random(seed);
      const readers = readerSet(size, rnd);
      const patterns = unexpectedReadsPatterns(ACCOUNT, { ...base, roleArns: readers });
      if (size > 10) expect(patterns.length).toBeGreaterThan(1);
      for (const p of patterns) expect(p.length).toBeLessThanOrEqual(MAX_PATTERN_LENGTH);

      for (const role of readers) expect(counted(patterns, read({ role })), role).toBe(0);
      for (const role of nearMisses(readers, rnd)) expect(counted(patterns, read({ role })), role).toBe(1);
      expect(counted(patterns, read({ type: "IAMUser" }))).toBe(1);
      expect(counted(patterns, read({ type: "Root" }))).toBe(1);
      // The rotation function's session, and secrets read by ABAC tags, are expected.
      expect(counted(patterns, read({ role: `arn:aws:iam::${ACCOUNT}:role/rotation-role-abc`, session: "rotate-app-db" }))).toBe(0);
      expect(counted(patterns, read({ role: `arn:aws:iam::${ACCOUNT}:role/stranger` }, "app/by-tag"))).toBe(0);
      expect(
        counted(patterns, read({ role: `arn:aws:iam::${ACCOUNT}:role/stranger` }, `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:app/by-tag-AbCdEf`)),
      ).toBe(0);
      // A failed read is the other filter's business.
      expect(counted(patterns, { ...read({ type: "Root" }), errorCode: "AccessDenied" })).toBe(0);
    });
  }
});

/** The example organization, edited as data. */
function exampleWith(edit: (org: any) => void) {
  const org = parse(readFileSync("config/org.yaml", "utf8"));
  edit(org);
  return parseConfig(stringify(org), "edited.yaml");
}

function managementFilters(org: ReturnType<typeof exampleWith>, dir: string) {
  synthesizeInto(
    org,
    dir,
    org.stacks.filter((s) => s.name === "management-eu-west-1"),
  );
  const json = JSON.parse(readFileSync(join(dir, "stacks", "management-eu-west-1", "cdk.tf.json"), "utf8"));
  return {
    filters: Object.values(json.resource.aws_cloudwatch_log_metric_filter) as Array<{ name: string; pattern: string; metric_transformation: { name: string } }>,
    alarms: Object.values(json.resource.aws_cloudwatch_metric_alarm) as Array<{ alarm_name: string; metric_query: Array<{ id: string }> }>,
  };
}

describe("secret-access alarms of the organization", () => {
  it("watch undeclared reads only in accounts with secrets, even when their roles read secrets elsewhere", () => {
    // payments-prod keeps reading shared-services' secret but owns none.
    const org = exampleWith((o) => {
      const prod = o.accounts.find((a: any) => a.name === "payments-prod");
      delete prod.secrets;
      prod.roles.find((r: any) => r.name === "payments-api").grants.secrets = [];
      o.compliance.exceptions = [];
    });
    expect([...expectedSecretReaders(org).keys()]).toEqual(["444444444444"]);
    const { filters, alarms } = managementFilters(org, join(tmp, "no-secrets"));
    expect(filters.map((f) => f.name).filter((n) => n.includes("undeclared"))).toEqual(["org-baseline-undeclared-secret-reads-shared-services"]);
    const prod = alarms.find((a) => a.alarm_name === "org-baseline-secret-access-payments-prod")!;
    expect(prod.metric_query.map((q) => q.id)).toEqual(["denied", "events"]);
  });

  it("split a long reader list into several filters on the same metric", () => {
    // 40 accounts whose role reads shared-services' database secret.
    const org = exampleWith((o) => {
      const readers = Array.from({ length: 40 }, (_, i) => ({
        id: String(800000000000 + i * 1013),
        name: `reader-${i}`,
        role: "workload",
        environment: "dev",
        ou: "/Workloads",
        regions: ["eu-west-1"],
      }));
      for (const r of readers as any[]) r.roles = [{ name: "db-client", kind: "service", services: ["ecs-tasks.amazonaws.com"] }];
      o.accounts.push(...readers);
      const shared = o.accounts.find((a: any) => a.name === "shared-services");
      shared.secrets[0].readers.push(...readers.map((r) => ({ role: { account: r.name, role: "db-client" } })));
    });
    const { filters } = managementFilters(org, join(tmp, "split"));
    const shared = filters.filter((f) => f.name.startsWith("org-baseline-undeclared-secret-reads-shared-services-"));
    expect(shared.length).toBeGreaterThan(1);
    for (const f of shared) {
      expect(f.pattern.length).toBeLessThanOrEqual(MAX_PATTERN_LENGTH);
      expect(f.metric_transformation.name).toBe("UnexpectedSecretReads");
    }
    const event = (role: string) => ({ ...read({ role }), recipientAccountId: "444444444444" });
    const patterns = shared.map((f) => f.pattern);
    expect(counted(patterns, event("arn:aws:iam::800000000000:role/db-client"))).toBe(0);
    expect(counted(patterns, event("arn:aws:iam::800000000000:role/db-admin"))).toBe(1);
  });
});
