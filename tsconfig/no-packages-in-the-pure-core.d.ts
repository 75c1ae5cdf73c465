/**
 * Where every package import in functions/core and protocol/ resolves when
 * tsconfig/core.json checks them, so that the import fails with "File
 * '.../no-packages-in-the-pure-core.d.ts' is not a module". The chat core is pure (no AWS,
 * SQL, Redis, network, disk or process): it imports its own files, protocol/ and zod.
 * Node's builtins (`node:*`) land here too. Why, and which area may import which:
 * docs/layers.md. `npm run lint` says the same through Biome's noRestrictedImports.
 */
