import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ResolvedAccess } from "../../config/access.js";
import { deterministicZip } from "./zip.js";

/**
 * The broker's deployment package: the committed handler source and the access policy
 * as data, zipped deterministically at synth (no build step, no network).
 */

/** The handler as committed: `modules/broker/handler/index.mjs` of this package (also when running from dist/). */
export function handlerSource(): Buffer {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json"))) return readFileSync(join(dir, "modules", "broker", "handler", "index.mjs"));
    const parent = dirname(dir);
    if (parent === dir) throw new Error("cannot find the org-baseline package holding the access broker's handler");
    dir = parent;
  }
}

/** What the handler decides from: the rules with exact ARNs, requesters and session policies. */
export function brokerPolicyData(access: ResolvedAccess): unknown {
  return { version: 1, organizationId: access.organizationId, rules: access.rules };
}

export interface BrokerPackage {
  zip: Buffer;
  /** Hex sha256 of the zip: names the asset folder. */
  sha256: string;
  /** Base64 sha256, as Lambda's source_code_hash. */
  sourceCodeHash: string;
}

export function brokerPackage(access: ResolvedAccess): BrokerPackage {
  const zip = deterministicZip([
    { name: "index.mjs", data: handlerSource() },
    { name: "policy.json", data: Buffer.from(`${JSON.stringify(brokerPolicyData(access), null, 2)}\n`) },
  ]);
  const digest = createHash("sha256").update(zip);
  return { zip, sha256: digest.copy().digest("hex"), sourceCodeHash: digest.digest("base64") };
}

/**
 * cdktf copies an asset from a file on disk: the zip is written once under its own
 * hash (content-addressed, so concurrent synths agree) and copied from there.
 */
export function writePackage(pkg: BrokerPackage): string {
  const dir = join(tmpdir(), "org-baseline-assets", pkg.sha256);
  const file = join(dir, "broker.zip");
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    const partial = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    writeFileSync(partial, pkg.zip);
    renameSync(partial, file);
  }
  return file;
}
