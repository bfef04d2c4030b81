import { z } from "zod";

/** Per-account VPC endpoints with data-perimeter policies (issue: network). */
export const endpointsSchema = z.array(z.strictObject({ region: z.string() })).default([]);
