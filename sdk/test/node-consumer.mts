/**
 * The tsconfig.json of a strict, Node-only consumer project that type-checks the SDK's declarations as shipped
 * (`skipLibCheck: false`, no DOM lib), with `file` its one source file. packaging.test.ts checks that it passes;
 * bench/sdk-types.ts measures what it costs.
 */
export function nodeConsumerTsconfig(file: string): string {
  return JSON.stringify({
    compilerOptions: {
      strict: true,
      skipLibCheck: false,
      noEmit: true,
      lib: ["ES2022"],
      types: ["node"],
      module: "NodeNext",
      moduleResolution: "NodeNext",
      target: "ES2022",
    },
    files: [file],
  });
}
