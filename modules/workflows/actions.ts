import { PINNED_ACTIONS } from "../../config/sections/pipelines.js";
import type { OrgConfig } from "../../config/schema.js";

export type ActionName = (typeof PINNED_ACTIONS)[number];

export interface ActionPin {
  /** A full commit SHA (or an exact tag when a config overrides it so). */
  ref: string;
  /** The release the ref is, written as a comment next to a SHA pin. */
  version?: string;
}

/**
 * Built-in pins: the commit each release tag pointed to, read from the actions'
 * own repositories. A SHA cannot be moved the way a tag can.
 */
export const DEFAULT_ACTION_PINS: Readonly<Record<ActionName, ActionPin>> = {
  "actions/checkout": { ref: "3d3c42e5aac5ba805825da76410c181273ba90b1", version: "v7.0.1" },
  "actions/setup-node": { ref: "820762786026740c76f36085b0efc47a31fe5020", version: "v7.0.0" },
  "actions/upload-artifact": { ref: "bbbca2ddaa5d8feaa63e36b76fdaad77386f024f", version: "v7.0.0" },
  "actions/download-artifact": { ref: "3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c", version: "v8.0.1" },
  "aws-actions/configure-aws-credentials": { ref: "e6de054238d6b7531b4efff3b6587d9aade6a06c", version: "v6.2.3" },
  "hashicorp/setup-terraform": { ref: "dfe3c3f87815947d99a8997f908cb6525fc44e9e", version: "v4.0.1" },
};

export type ActionPins = Readonly<Record<ActionName, ActionPin>>;

/** The built-in pins with the config's overrides applied. */
export function actionPins(pipelines: NonNullable<OrgConfig["pipelines"]>): ActionPins {
  const pins = { ...DEFAULT_ACTION_PINS };
  for (const name of PINNED_ACTIONS) {
    const override = pipelines.actions[name];
    if (override) pins[name] = override;
  }
  return pins;
}

/** `owner/repo@ref` for a step's `uses`. */
export function usesRef(name: ActionName, pins: ActionPins): string {
  return `${name}@${pins[name].ref}`;
}

/** The comment rendered after a `uses` value: the version a SHA stands for. */
export function pinComment(uses: string, pins: ActionPins): string | undefined {
  const name = PINNED_ACTIONS.find((n) => uses.startsWith(`${n}@`));
  const pin = name ? pins[name] : undefined;
  return pin && pin.version && pin.ref !== pin.version ? ` ${pin.version}` : undefined;
}
