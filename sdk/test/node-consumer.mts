/**
 * The tsconfig.json of strict consumer projects that type-check the SDK's declarations as shipped
 * (`skipLibCheck: false`), with `file` their one source file: a Node project (with @types/node, no DOM lib) and a
 * browser or edge app (no @types/node, the DOM lib). packaging.test.ts checks that both pass; bench/sdk-types.ts
 * measures what the SDK costs each.
 */
function consumerTsconfig(file: string, lib: string[], types: string[]): string {
  return JSON.stringify({
    compilerOptions: {
      strict: true,
      skipLibCheck: false,
      noEmit: true,
      lib,
      types,
      module: "NodeNext",
      moduleResolution: "NodeNext",
      target: "ES2022",
    },
    files: [file],
  });
}

/** A Node-only project: @types/node, no DOM lib (DOM-only names in the declarations fail here). */
export function nodeConsumerTsconfig(file: string): string {
  return consumerTsconfig(file, ["ES2022"], ["node"]);
}

/** A browser or edge app: the DOM lib and no @types/node (Node-only names in the declarations fail here). */
export function browserConsumerTsconfig(file: string): string {
  return consumerTsconfig(file, ["ES2022", "DOM"], []);
}
