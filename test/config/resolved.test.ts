import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { parseConfig } from "../../config/load.js";
import { configIssues } from "../helpers/config.js";

/**
 * The resolved model carries every default once: builders and the loader's checks read
 * these fields, so a default changed here changes everywhere, and a defaulted value is
 * never reported as if the user had written it.
 */

type Json = Record<string, unknown>;

function config(edit: (c: Json & { accounts: Json[] }) => void = () => {}) {
  const c = {
    organization: { id: "o-exampleorg1", name: "Example" },
    defaults: { regions: ["eu-west-1", "eu-central-1"] },
    permissionBoundary: { name: "boundary", path: "/baseline/" },
    backend: { type: "hcp", organization: "example" },
    logs: { retentionDays: { default: 90, prod: 400 } },
    compliance: { config: { rules: { mode: "account" } }, monitoring: { trail: { account: "app", logGroup: "org-trail" } } },
    accounts: [
      {
        id: "222222222222",
        name: "app",
        role: "workload",
        environment: "prod",
        ou: "/",
        homeRegion: "eu-central-1",
        keys: [{ name: "data" }, { name: "west", regions: ["eu-west-1"] }],
        roles: [
          { name: "api", kind: "service", services: ["ecs-tasks.amazonaws.com"], path: "/apps/" },
          { name: "oncall", kind: "break-glass", trusted: [{ account: "app", role: "api" }], maxSessionDuration: 1800 },
        ],
        secrets: [
          { name: "token", key: "data", replicaRegions: ["eu-west-1"] },
          { name: "west", region: "eu-west-1" },
        ],
        parameters: [{ path: "/app", parameters: [{ name: "level", value: "info" }] }],
        logGroups: [{ name: "/app/api" }, { name: "/app/short", retentionDays: 365, regions: ["eu-west-1"] }],
      },
      { id: "333333333333", name: "dev", role: "workload", environment: "dev", ou: "/", regions: ["us-east-1"] },
    ],
  } as Json & { accounts: Json[] };
  edit(c);
  return stringify(c);
}

function problems(text: string): string[] {
  return configIssues(text).map((i) => `${i.line}:${i.column} ${i.path}: ${i.message}`);
}

describe("resolved model", () => {
  const org = parseConfig(config(), "org.yaml");
  const app = org.accountByName.get("app")!;
  const dev = org.accountByName.get("dev")!;

  it("resolves regions, home region and retention of each account", () => {
    expect(app.regions).toEqual(["eu-west-1", "eu-central-1"]);
    expect(app.homeRegion).toBe("eu-central-1");
    expect(app.retentionDays).toBe(400);
    expect(dev.regions).toEqual(["us-east-1"]);
    expect(dev.homeRegion).toBe("us-east-1");
    expect(dev.retentionDays).toBe(90);
  });

  it("resolves each entity's regions, retention and session bound", () => {
    expect(app.keys.map((k) => [k.name, k.regions])).toEqual([
      ["data", ["eu-west-1", "eu-central-1"]],
      ["west", ["eu-west-1"]],
    ]);
    expect(app.secrets.map((s) => [s.name, s.region, s.regions])).toEqual([
      ["token", "eu-central-1", ["eu-central-1", "eu-west-1"]],
      ["west", "eu-west-1", ["eu-west-1"]],
    ]);
    expect(app.parameters.map((h) => h.regions)).toEqual([["eu-central-1"]]);
    expect(app.logGroups.map((g) => [g.name, g.regions, g.retentionDays])).toEqual([
      ["/app/api", ["eu-west-1", "eu-central-1"], 400],
      ["/app/short", ["eu-west-1"], 365],
    ]);
    expect(app.roles.map((r) => [r.arn, r.sessionBound])).toEqual([
      ["arn:aws:iam::222222222222:role/apps/api", 3600],
      ["arn:aws:iam::222222222222:role/oncall", 1800],
    ]);
    expect(app.permissionBoundaryArn).toBe("arn:aws:iam::222222222222:policy/baseline/boundary");
  });

  it("makes every reference absolute once, and looks it up in one place", () => {
    const org = parseConfig(
      config((c) => {
        const app = c.accounts[0]! as { keys: Json[]; roles: Json[]; secrets: Json[] };
        app.keys[0] = { name: "data", administrators: ["api"], users: [{ role: { account: "dev", role: "ci" }, via: ["s3"] }] };
        app.roles[0] = { ...app.roles[0], grants: { secrets: ["token", { account: "dev", name: "shared" }], keys: [{ key: "data", via: ["s3"] }] } };
        app.secrets[0] = { name: "token", key: "data", readers: [{ role: "oncall" }, { tags: { Team: "x" } }] };
        Object.assign(c.accounts[1]!, {
          roles: [{ name: "ci", kind: "service", services: ["lambda.amazonaws.com"] }],
          secrets: [{ name: "shared", key: "dev-key" }],
          keys: [{ name: "dev-key" }],
        });
      }),
      "org.yaml",
    );
    const app = org.accountByName.get("app")!;
    expect(app.keys[0]!.administrators).toEqual([{ account: "app", name: "api" }]);
    expect(app.keys[0]!.users.map((u) => u.role)).toEqual([{ account: "dev", name: "ci" }]);
    expect(app.roles[0]!.grants.secrets).toEqual([
      { account: "app", name: "token" },
      { account: "dev", name: "shared" },
    ]);
    expect(app.roles[0]!.grants.keys.map((g) => g.key)).toEqual([{ account: "app", name: "data" }]);
    expect(app.secrets[0]!.readers).toEqual([{ role: { account: "app", name: "oncall" } }, { tags: { Team: "x" } }]);
    expect(org.roleOf({ account: "dev", name: "ci" }).role.arn).toBe("arn:aws:iam::333333333333:role/ci");
    expect(org.keyOf({ account: "dev", name: "dev-key" }).account.name).toBe("dev");
    expect(() => org.roleOf({ account: "dev", name: "nobody" })).toThrow("unknown role nobody in account dev");
  });

  it("places the trail's stack in its account's home region unless it names one", () => {
    expect(org.trailStack).toBe("app-eu-central-1");
    const west = parseConfig(
      config((c) => ((c.compliance as { monitoring: { trail: Json } }).monitoring.trail.region = "eu-west-1")),
      "org.yaml",
    );
    expect(west.trailStack).toBe("app-eu-west-1");
  });

  it("reports a wrong home region once, not again at every entity that defaults to it", () => {
    const found = problems(
      config((c) => {
        c.accounts[0]!.homeRegion = "us-west-2";
      }),
    );
    expect(found.filter((p) => p.includes("is not one of this account's regions"))).toEqual([
      expect.stringMatching(/accounts\[0\]\.homeRegion: home region us-west-2 is not one of this account's regions/),
    ]);
  });

  it("reports a region written on an entity outside its account's regions, at that entity", () => {
    const found = problems(
      config((c) => {
        c.accounts[0]!.parameters = [{ path: "/app", regions: ["us-west-2"], parameters: [{ name: "level", value: "info" }] }];
        c.accounts[0]!.secrets = [{ name: "token", region: "us-west-2" }];
      }),
    );
    expect(found).toEqual([
      expect.stringContaining("accounts[0].secrets[0].region: region us-west-2 is not one of this account's regions"),
      expect.stringContaining("accounts[0].parameters[0].regions[0]: region us-west-2 is not one of this account's regions"),
    ]);
  });
});
