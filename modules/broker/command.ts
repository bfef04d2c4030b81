import { fromNodeProviderChain } from "@aws-sdk/credential-providers";
import { InvalidArgumentError, type Command } from "commander";
import { EXIT_CODES, regionOfUrl, requestAccess, type CallerCredentials } from "./client.js";

/** Where the broker's function URL comes from when `--url` is not given (terraform output access_broker_url). */
export const BROKER_URL_VARIABLE = "BASELINE_ACCESS_URL";

interface AccessOptions {
  account: string;
  role: string;
  ticket?: string;
  duration?: number;
  url?: string;
  region?: string;
  profile?: string;
}

const seconds = (value: string): number => {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError("a whole number of seconds");
  return Number(value);
};

/**
 * `baseline access`: prints only the session, in the credential_process format, on
 * stdout (so `credential_process = baseline access ...` works); everything else goes
 * to stderr. Exit codes: 0 session, 1 misconfigured or failed, 2 denied, 3 your own
 * credentials expired.
 */
export function accessCommand(program: Command): void {
  program
    .command("access")
    .description("get a just-in-time session of a brokered role from the access broker (credential_process JSON on stdout)")
    .requiredOption("--account <account>", "the brokered role's account (name or id)")
    .requiredOption("--role <role>", "the brokered role")
    .option("--ticket <reference>", "the ticket this access is for (required by most rules)")
    .option("--duration <seconds>", "session length to ask for; the broker clamps it to what the rule allows", seconds)
    .option("--url <url>", `the broker's function URL (default: $${BROKER_URL_VARIABLE})`)
    .option("--region <region>", "the broker's region (default: from the URL, else $AWS_REGION)")
    .option("--profile <name>", "the AWS profile to sign the request with (default: the usual credential chain)")
    .action(async (opts: AccessOptions) => {
      const fail = (kind: keyof typeof EXIT_CODES, reason: string) => {
        console.error(`baseline access: ${kind === "denied" ? "denied: " : ""}${reason}`);
        process.exitCode = EXIT_CODES[kind];
      };
      const url = opts.url ?? process.env[BROKER_URL_VARIABLE];
      if (!url) return fail("failed", `no broker URL: pass --url or set ${BROKER_URL_VARIABLE} (the access_broker_url output of the broker's stack)`);
      const region = opts.region ?? regionOfUrl(url) ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
      if (!region) return fail("failed", "cannot tell the broker's region from its URL: pass --region");
      let credentials: CallerCredentials;
      try {
        credentials = await fromNodeProviderChain(opts.profile ? { profile: opts.profile } : {})();
      } catch (err) {
        return fail("failed", `no AWS credentials to sign the request with (${(err as Error).message}); sign in first or pass --profile`);
      }
      const outcome = await requestAccess({
        url,
        region,
        credentials,
        account: opts.account,
        role: opts.role,
        ...(opts.ticket !== undefined ? { ticket: opts.ticket } : {}),
        ...(opts.duration !== undefined ? { duration: opts.duration } : {}),
      });
      if (outcome.kind === "session") process.stdout.write(`${JSON.stringify(outcome.credentials)}\n`);
      else fail(outcome.kind, outcome.reason);
    });
}
