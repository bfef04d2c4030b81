// Lint for the TypeScript sources and tests (typescript-eslint's recommended rules); formatting is prettier's.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "cdktf.out/", "node_modules/", "reports-out/", "test-results/", "**/*.d.mts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,mjs,js}"],
    languageOptions: {
      globals: {
        process: "readonly",
        console: "readonly",
        Buffer: "readonly",
        URL: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        performance: "readonly",
        fetch: "readonly",
        structuredClone: "readonly",
        TextDecoder: "readonly",
        TextEncoder: "readonly",
        AbortController: "readonly",
        setImmediate: "readonly",
        queueMicrotask: "readonly",
        setInterval: "readonly",
        clearInterval: "readonly",
      },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      // Literal spaces in a regex match YAML indentation as written; {2} says less there.
      "no-regex-spaces": "off",
    },
  },
  // Code that runs in the browser: the scorecard's script and what the HTML benchmark evaluates in the page.
  { files: ["reports/templates/*.js", "test/bench/report-html.mjs"], languageOptions: { globals: { document: "readonly", window: "readonly" } } },
  // Tests read synthesized JSON, which has no type.
  { files: ["test/**/*.ts"], rules: { "@typescript-eslint/no-explicit-any": "off" } },
);
