import type { Construct } from "constructs";
import type { BackendConfig } from "../config/schema.js";
import { CloudBackend, NamedCloudWorkspace, S3Backend } from "./platform.js";

/** State location of one stack: an S3 key or an HCP Terraform workspace. */
export function backendLocation(backend: BackendConfig, stack: string): string {
  return backend.type === "s3" ? `${backend.keyPrefix}/${stack}.tfstate` : `${backend.workspacePrefix}${stack}`;
}

export function addBackend(scope: Construct, backend: BackendConfig, stack: string): void {
  if (backend.type === "s3") {
    const s3 = new S3Backend(scope, {
      bucket: backend.bucket,
      key: backendLocation(backend, stack),
      region: backend.region,
      encrypt: backend.encrypt,
      ...(backend.kmsKeyId ? { kmsKeyId: backend.kmsKeyId } : {}),
      ...(backend.roleArn ? { assumeRole: { roleArn: backend.roleArn } } : {}),
    });
    // cdktf 0.21 predates S3 native locking (Terraform >= 1.10), so it is set as a raw backend attribute.
    s3.addOverride("use_lockfile", backend.useLockfile);
  } else {
    new CloudBackend(scope, {
      organization: backend.organization,
      hostname: backend.hostname,
      workspaces: new NamedCloudWorkspace(backendLocation(backend, stack), backend.project),
    });
  }
}
