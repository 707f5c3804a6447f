// Compiles src/libsql/*.ts into the CommonJS files the patch adds to @strapi/database. The
// output is TypeScript's own, with comments kept and nothing minified, so that a user who
// opens node_modules reads the same code as src/.
import { readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import ts from "typescript";

const COMPILER_OPTIONS: ts.CompilerOptions = {
  module: ts.ModuleKind.CommonJS,
  // Node 18 is the oldest Node that Strapi 4.25.9 runs on.
  target: ts.ScriptTarget.ES2022,
  // Without the interop helpers, `import * as x` compiles to a plain `const x = require(...)`.
  esModuleInterop: false,
  removeComments: false,
  newLine: ts.NewLineKind.LineFeed,
  useDefineForClassFields: false,
};

export interface InjectedFile {
  /** Path inside the patched package, e.g. dist/libsql/dialect.js. */
  packagePath: string;
  content: string;
}

export function injectedSources(sourceDir: string): string[] {
  return readdirSync(sourceDir)
    .filter((name) => name.endsWith(".ts") && !name.endsWith(".d.ts") && !name.endsWith(".test.ts"))
    .sort();
}

/** `sourceDirFromRoot` is how the header names the source, e.g. "src/libsql". */
export function compileInjected(root: string, sourceDirFromRoot: string, packageDir: string): InjectedFile[] {
  return injectedSources(join(root, sourceDirFromRoot)).map((name) => ({
    packagePath: `${packageDir}/${name.replace(/\.ts$/, ".js")}`,
    content: compileFile(root, `${sourceDirFromRoot}/${name}`),
  }));
}

/** One source file as CommonJS, with a header that names it; `sourceFromRoot` e.g. "src/libsql/dialect.ts". */
export function compileFile(root: string, sourceFromRoot: string): string {
  const source = readFileSync(join(root, sourceFromRoot), "utf8");
  const { outputText, diagnostics } = ts.transpileModule(source, {
    compilerOptions: COMPILER_OPTIONS,
    fileName: basename(sourceFromRoot),
    reportDiagnostics: true,
  });
  if (diagnostics?.length) {
    const text = ts.formatDiagnostics(diagnostics, {
      getCanonicalFileName: (fileName) => fileName,
      getCurrentDirectory: () => join(root, dirname(sourceFromRoot)),
      getNewLine: () => "\n",
    });
    throw new Error(`cannot compile ${sourceFromRoot}:\n${text}`);
  }
  const header = [
    `// Compiled from ${sourceFromRoot} by the strapi-libsql patch generator.`,
    "// Do not edit here: change the source and run `pnpm patch:generate`.",
  ].join("\n");
  return `${header}\n${outputText.replace(/\n\/\/# sourceMappingURL=.*\n?$/, "\n")}`;
}
