/** The YAML text of an organization of `accounts` accounts cloned from the example's workload accounts (see the .mjs). */
export function generateOrg(accounts: number, options?: { example?: string; regions?: string[] }): string;
