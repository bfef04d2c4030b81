import { Construct } from "constructs";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter/index.js";
import type { ParameterConfig, ParameterTier } from "../config/sections/parameters.js";
import { tagsArg } from "./tags.js";
import { writeOnlyValue } from "./write-only.js";

export interface ParameterHierarchyProps {
  parameters: Array<{ name: string; config: ParameterConfig }>;
  tier: ParameterTier;
  /** Customer-managed key (ARN) for the SecureString parameters. */
  kmsKeyArn?: string;
  tags?: Record<string, string>;
}

/**
 * The parameters of one hierarchy. A `String` carries its configuration value; a
 * `SecureString` is encrypted with the hierarchy's key and gets its value through
 * the write-only `value_wo`, so the synthesized JSON and the state hold none.
 */
export class ParameterHierarchy extends Construct {
  constructor(scope: Construct, id: string, props: ParameterHierarchyProps) {
    super(scope, id);
    for (const { name, config } of props.parameters) {
      const common = {
        name,
        type: config.type,
        tier: config.tier ?? props.tier,
        ...(config.description ? { description: config.description } : {}),
        ...tagsArg(props.tags),
      };
      const resourceId = config.name.replace(/[^A-Za-z0-9_-]/g, "_");
      if (config.type === "String") {
        if (config.value === undefined) throw new Error(`parameter ${name}: a String needs its value`);
        new SsmParameter(this, resourceId, { ...common, value: config.value });
        continue;
      }
      if (!props.kmsKeyArn) throw new Error(`parameter ${name}: a SecureString needs the hierarchy's customer-managed key`);
      if (!config.initialValue) throw new Error(`parameter ${name}: a SecureString needs initialValue`);
      const value = writeOnlyValue(this, name, config.initialValue);
      new SsmParameter(this, resourceId, { ...common, keyId: props.kmsKeyArn, valueWo: value.expression, valueWoVersion: value.version });
    }
  }
}
