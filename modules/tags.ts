/**
 * The `tags` argument of a resource, left out when there are none. No sorting is
 * needed for deterministic output: cdktf writes stack JSON with sorted keys.
 */
export function tagsArg(tags: Record<string, string> | undefined): { tags?: Record<string, string> } {
  return tags && Object.keys(tags).length > 0 ? { tags } : {};
}
