import { Construct } from "constructs";
import { DataAwsLambdaFunction } from "@cdktf/provider-aws/lib/data-aws-lambda-function/index.js";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission/index.js";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret/index.js";
import { SecretsmanagerSecretPolicy } from "@cdktf/provider-aws/lib/secretsmanager-secret-policy/index.js";
import { SecretsmanagerSecretRotation } from "@cdktf/provider-aws/lib/secretsmanager-secret-rotation/index.js";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version/index.js";
import { ServerlessapplicationrepositoryCloudformationStack } from "@cdktf/provider-aws/lib/serverlessapplicationrepository-cloudformation-stack/index.js";
import { createHash } from "node:crypto";
import type { RotationConfig } from "../config/sections/secrets.js";
import type { InitialValueConfig } from "../config/sections/values.js";
import { keyAliasName, rotationFunctionName } from "./naming.js";
import { policyJson } from "./policies/document.js";
import { secretPolicy, type SecretPolicyInput } from "./policies/secret-policy.js";
import { tagsArg } from "./tags.js";
import { writeOnlyValue } from "./write-only.js";

/** Account publishing the AWS rotation functions in the Serverless Application Repository. */
export const ROTATION_APPS_ARN_PREFIX = "arn:aws:serverlessrepo:us-east-1:297356227824:applications/";

export interface BaselineSecretProps {
  name: string;
  description?: string;
  accountId: string;
  region: string;
  /** Customer-managed key in this stack (ARN); undefined for the AWS-managed key. */
  kmsKeyArn?: string;
  /** The key's short name, for replicas (its alias in each replica region). */
  keyName?: string;
  replicaRegions: string[];
  recoveryWindowDays: number;
  tags?: Record<string, string>;
  policy: Omit<SecretPolicyInput, "rotationRoleArns">;
  rotation?: RotationConfig;
  /** A first value made or received by the apply, written through `secret_string_wo`. */
  initialValue?: InitialValueConfig;
}

/**
 * A secret declared by name: no value is ever written into the configuration, so
 * none reaches Terraform state. A first value, when declared, goes through the
 * write-only `secret_string_wo` from an ephemeral source. Its resource policy
 * allows the readers and denies everyone else; rotation, when set, supplies the values.
 */
export class BaselineSecret extends Construct {
  readonly secret: SecretsmanagerSecret;
  readonly arn: string;
  /** The role its rotation function runs as (a Terraform reference), for the key policy. */
  readonly rotationRoleArn?: string;

  constructor(scope: Construct, id: string, props: BaselineSecretProps) {
    super(scope, id);
    this.secret = new SecretsmanagerSecret(this, "secret", {
      name: props.name,
      ...(props.description ? { description: props.description } : {}),
      ...(props.kmsKeyArn ? { kmsKeyId: props.kmsKeyArn } : {}),
      recoveryWindowInDays: props.recoveryWindowDays,
      ...(props.replicaRegions.length > 0
        ? { replica: [...props.replicaRegions].sort().map((region) => ({ region, ...(props.keyName ? { kmsKeyId: keyAliasName(props.keyName) } : {}) })) }
        : {}),
      ...tagsArg(props.tags),
    });
    this.arn = this.secret.arn;

    if (props.initialValue) {
      const value = writeOnlyValue(this, props.name, props.initialValue);
      new SecretsmanagerSecretVersion(this, "initial-value", {
        secretId: this.secret.id,
        secretStringWo: value.expression,
        secretStringWoVersion: value.version,
      });
    }

    const rotation = props.rotation ? this.rotationFunction(props, props.rotation) : undefined;
    if (rotation) this.rotationRoleArn = rotation.roleArn;
    const policy = new SecretsmanagerSecretPolicy(this, "policy", {
      secretArn: this.secret.arn,
      policy: policyJson(secretPolicy({ ...props.policy, rotationRoleArns: rotation ? [rotation.roleArn] : [] })),
      blockPublicPolicy: true,
    });
    if (rotation && props.rotation) {
      const permission = new LambdaPermission(this, "rotation-permission", {
        statementId: `SecretsManager-${shortHash(props.name)}`,
        action: "lambda:InvokeFunction",
        functionName: rotation.functionArn,
        principal: "secretsmanager.amazonaws.com",
        sourceAccount: props.accountId,
      });
      const r = props.rotation;
      new SecretsmanagerSecretRotation(this, "rotation", {
        secretId: this.secret.id,
        rotationLambdaArn: rotation.functionArn,
        rotationRules: {
          ...(r.automaticallyAfterDays !== undefined ? { automaticallyAfterDays: r.automaticallyAfterDays } : {}),
          ...(r.scheduleExpression !== undefined ? { scheduleExpression: r.scheduleExpression } : {}),
          ...(r.duration !== undefined ? { duration: r.duration } : {}),
        },
        rotateImmediately: r.rotateImmediately,
        dependsOn: [permission, policy],
      });
    }
  }

  /** The rotation function (given, or deployed from the AWS template) and the role it runs as. */
  private rotationFunction(props: BaselineSecretProps, rotation: RotationConfig): { functionArn: string; roleArn: string } {
    let functionArn: string;
    if (rotation.template) {
      const functionName = rotationFunctionName(props.accountId, props.region, props.name);
      const app = new ServerlessapplicationrepositoryCloudformationStack(this, "rotation-app", {
        name: functionName,
        applicationId: `${ROTATION_APPS_ARN_PREFIX}${rotation.template.application}`,
        semanticVersion: rotation.template.semanticVersion,
        capabilities: ["CAPABILITY_IAM", "CAPABILITY_RESOURCE_POLICY"],
        parameters: {
          ...rotation.template.parameters,
          endpoint: `https://secretsmanager.${props.region}.amazonaws.com`,
          functionName,
          // No kmsKeyArn: the key policy names the function's role itself, and a key policy
          // naming the role cannot depend on a function that depends on the key.
        },
      });
      functionArn = app.outputs.lookup("RotationLambdaARN");
    } else {
      functionArn = rotation.lambdaArn!;
    }
    // The function's role is read from Lambda, so the secret's deny exempts exactly the role rotation runs as.
    const fn = new DataAwsLambdaFunction(this, "rotation-function", { functionName: functionArn });
    return { functionArn, roleArn: fn.role };
  }
}

/** Eight hex characters: short, deterministic names for per-secret resources. */
function shortHash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 8);
}
