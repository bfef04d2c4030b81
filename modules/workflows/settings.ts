import { isAbsolute, posix, relative, resolve, sep } from "node:path";
import { ConfigError } from "../../config/errors.js";
import type { ResolvedOrg } from "../../config/model.js";
import type { OrgConfig } from "../../config/schema.js";
import { actionPins, type ActionPins } from "./actions.js";

export type Pipelines = NonNullable<OrgConfig["pipelines"]>;

/** Everything the workflow builders read, resolved once. */
export interface WorkflowSettings {
  pipelines: Pipelines;
  /** The config file as the workflows name it: relative to the repository root, with / separators. */
  configPath: string;
  pins: ActionPins;
  /**
   * Env of the steps that run `terraform`, and of no other step: with an HCP backend the
   * API token from the configured secret, under the variable Terraform reads for the host.
   */
  terraformEnv: Record<string, string>;
}

export function workflowSettings(org: ResolvedOrg, configPath: string): WorkflowSettings {
  const pipelines = org.config.pipelines;
  if (!pipelines) {
    throw new ConfigError([
      {
        file: org.source,
        line: 1,
        column: 1,
        path: "pipelines",
        message: "required by `baseline workflow`: add a pipelines section with github.owner and github.repository",
      },
    ]);
  }
  const backend = org.config.backend;
  const terraformEnv = backend.type === "hcp" ? { [hcpTokenVariable(backend.hostname)]: `\${{ secrets.${pipelines.hcp.tokenSecret} }}` } : {};
  return { pipelines, configPath: repositoryPath(configPath), pins: actionPins(pipelines), terraformEnv };
}

/** `TF_TOKEN_<host>`: Terraform's credentials variable for a host, dots as `_` and hyphens as `__`. */
export function hcpTokenVariable(hostname: string): string {
  return `TF_TOKEN_${hostname.replace(/-/g, "__").replace(/\./g, "_")}`;
}

/** A path inside the repository (the current folder), as the workflow's shell sees it from the checkout root. */
export function repositoryPath(path: string, root = process.cwd()): string {
  const inside = relative(root, resolve(root, path));
  if (isAbsolute(inside) || inside === ".." || inside.startsWith(`..${sep}`) || inside === "") {
    throw new Error(`the config file ${path} must be inside the repository: run baseline workflow from the repository root`);
  }
  return inside.split(sep).join(posix.sep);
}
