import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { satisfies } from "semver";
import { describe, expect, it } from "vitest";

const engines = (JSON.parse(readFileSync("package.json", "utf8")) as { engines: { node: string } }).engines.node;
const floor = /^>=(\d+)\.(\d+)$/.exec(engines);
const [major, minor] = process.versions.node.split(".").map(Number) as [number, number];
const supported = floor !== null && (major > Number(floor[1]) || (major === Number(floor[1]) && minor >= Number(floor[2])));

describe("supported runtimes", () => {
  it("package.json names the oldest supported Node as a plain floor that CI installs", () => {
    expect(floor, engines).not.toBeNull();
    expect(readFileSync(".ci/run", "utf8")).toContain(`for version in ${floor![1]}.${floor![2]}.0 `);
  });

  // npm ci warns (EBADENGINE) when a locked package refuses the runtime; the oldest supported one must satisfy them all.
  it("every locked package accepts the oldest supported Node", () => {
    const lock = JSON.parse(readFileSync("package-lock.json", "utf8")) as { packages: Record<string, { engines?: { node?: string } | string[] }> };
    const oldest = `${floor![1]}.${floor![2]}.0`;
    const refusing = Object.entries(lock.packages)
      .map(([path, p]) => [path, Array.isArray(p.engines) ? undefined : p.engines?.node] as const)
      .filter(([, range]) => range !== undefined && !satisfies(oldest, range))
      .map(([path, range]) => `${path.replace(/^.*node_modules\//, "") || "package.json"} needs node ${range}`);
    expect(refusing).toEqual([]);
  });

  // On Node 20 the AWS SDK warns that its next releases drop it; a supported runtime gets no such warning.
  it.skipIf(!supported)("the AWS SDK clients the report uses print no runtime warning", () => {
    const script = `
      const { ConfigServiceClient } = await import("@aws-sdk/client-config-service");
      const { OrganizationsClient } = await import("@aws-sdk/client-organizations");
      const { SecurityHubClient } = await import("@aws-sdk/client-securityhub");
      for (const Client of [ConfigServiceClient, OrganizationsClient, SecurityHubClient]) new Client({ region: "eu-west-1" }).destroy();
    `;
    const result = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect(result.status).toBe(0);
    expect(result.stderr).toBe("");
  });
});
