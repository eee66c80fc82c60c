// ESLint 9 flat config (`npm run lint`, part of `npm test`). Pragmatic: the recommended sets of
// ESLint and typescript-eslint everywhere, and type-aware rules only on src/ and only the cheap
// ones that catch real bugs (a promise nobody awaits). Formatting is Prettier's (.prettierrc.json).
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: ["dist/**", "node_modules/**", "k6/dist/**", "test/package/consumer/**", "coverage/**", "reports/**", ".stryker-tmp/**"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      // `_`-prefixed names are deliberately unused (a parameter an interface requires, a skipped slot).
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none", ignoreRestSiblings: true }],
      // A `let` that callbacks created earlier read, assigned once later, is deliberate (reference/server.ts, session.ts).
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
      // Throw Error objects (with a stack and a code), never strings.
      "no-throw-literal": "error",
    },
  },
  {
    // Tests and scripts read loosely typed JSON answers; `any` there is a convenience, not an API.
    // Tests also craft and assert control characters on purpose (ANSI colours, NUL in fuzzed bodies).
    files: ["test/**", "scripts/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off", "no-control-regex": "off" },
  },
  {
    files: ["**/*.cjs"],
    languageOptions: { sourceType: "commonjs" },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    files: ["src/**/*.ts"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/await-thenable": "error",
    },
  },
);
