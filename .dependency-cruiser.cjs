/**
 * The layering of src/ (ARCHITECTURE.md), enforced by `npm run lint:deps` in `npm test`.
 * A module may import its own layer or any layer below it, never one above, and no import may
 * close a cycle (type-only imports count: a cycle of types is a cycle of ownership).
 */

/** Top to bottom; folders on one line are one layer. */
const LAYERS = [
  ["cli", "commands"], // plus src/cli.ts
  ["api", "vitest"], // plus src/index.ts
  ["report"],
  ["compare", "distributed"],
  ["checks", "load", "quality"],
  ["targets"],
  ["client"],
  ["contract", "reference"],
  ["util"],
];

const folders = (names) => `^src/(${names.join("|")})/`;
const COMMAND_LAYER = [folders(LAYERS[0]), "^src/cli\\.ts$"];
const LIBRARY_ENTRY = "^src/index\\.ts$";

// Between the layers under the command layer (imports of the command layer have their own rule).
const layerRules = LAYERS.slice(2).map((layer, i) => {
  const above = LAYERS.slice(1, i + 2).flat();
  return {
    name: `layer-${layer.join("-")}`,
    comment: `${layer.join(", ")} may not import a layer above it (${above.join(", ")}): see ARCHITECTURE.md`,
    severity: "error",
    from: { path: folders(layer) },
    to: { path: [folders(above), LIBRARY_ENTRY] },
  };
});

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "An import cycle: move what both sides need into a leaf module (ARCHITECTURE.md).",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "index-is-the-library-entry",
      comment: "src/index.ts is the package's public API: nothing inside src/ imports it (import the module itself).",
      severity: "error",
      from: { path: "^src/", pathNot: "^src/cli\\.ts$" },
      to: { path: LIBRARY_ENTRY },
    },
    {
      name: "nothing-below-commands-imports-them",
      comment: "Only the command layer (src/cli.ts, cli/, commands/) imports the command layer: move the shared piece down.",
      severity: "error",
      from: { path: "^src/", pathNot: COMMAND_LAYER },
      to: { path: COMMAND_LAYER },
    },
    ...layerRules,
    {
      name: "not-to-unresolvable",
      comment: "An import that does not resolve (a typo, or a dependency that is not installed).",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default", "types"] },
  },
};
