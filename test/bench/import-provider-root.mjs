// Preloaded for comparison only: what the app would cost if anything imported the provider package root.
await import("@cdktf/provider-aws");
