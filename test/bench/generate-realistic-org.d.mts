/** The YAML text of an organization of `accounts` accounts shaped like a real one (see the .mjs). */
export function generateRealisticOrg(accounts: number, options?: { example?: string; regions?: string[]; seed?: number }): string;
