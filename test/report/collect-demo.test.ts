import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { collectFromAwsCli } from "../../reports/collect/aws-cli.js";
import { DEMO_DIR, writeDemoExports } from "./fake-aws/demo.js";
import { HOSTILE_ACCOUNT_NAME, HOSTILE_RESOURCE_ID } from "./fake-aws/org.js";

describe("demo AWS CLI exports (reports/demo/aws-cli)", () => {
  it("are what the generator writes (UPDATE_DEMO=1 regenerates them)", () => {
    if (process.env["UPDATE_DEMO"] === "1") writeDemoExports(DEMO_DIR);
    const fresh = mkdtempSync(join(tmpdir(), "demo-"));
    try {
      const names = writeDemoExports(fresh).sort();
      expect(readdirSync(DEMO_DIR).filter((n) => n.endsWith(".json")).sort()).toEqual(names);
      for (const name of names) expect(readFileSync(join(DEMO_DIR, name), "utf8"), name).toBe(readFileSync(join(fresh, name), "utf8"));
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  it("make a realistic snapshot with hostile strings to escape", () => {
    const snapshot = collectFromAwsCli(DEMO_DIR);
    expect(snapshot.accounts).toHaveLength(8);
    expect(new Set(snapshot.cells.map((c) => c.rule)).size).toBe(12);
    expect(new Set(snapshot.cells.map((c) => c.region))).toEqual(new Set(["eu-west-1", "us-east-1"]));
    expect(snapshot.accounts.some((a) => a.name === HOSTILE_ACCOUNT_NAME)).toBe(true);
    expect(snapshot.resources.some((r) => r.resourceId === HOSTILE_RESOURCE_ID)).toBe(true);
    expect(snapshot.cells.some((c) => c.status === "NON_COMPLIANT")).toBe(true);
    expect(snapshot.securityHub!.controls.some((c) => c.status === "FAILED")).toBe(true);
  });
});
