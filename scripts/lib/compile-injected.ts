// Compiles src/libsql/*.ts into the CommonJS files the patch adds to @strapi/database. The
// output is TypeScript's own, with comments kept and nothing minified, so that a user who
// opens node_modules reads the same code as src/.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
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
  const sourceDir = join(root, sourceDirFromRoot);
  return injectedSources(sourceDir).map((name) => {
    const source = readFileSync(join(sourceDir, name), "utf8");
    const { outputText, diagnostics } = ts.transpileModule(source, {
      compilerOptions: COMPILER_OPTIONS,
      fileName: name,
      reportDiagnostics: true,
    });
    if (diagnostics?.length) {
      const text = ts.formatDiagnostics(diagnostics, {
        getCanonicalFileName: (fileName) => fileName,
        getCurrentDirectory: () => sourceDir,
        getNewLine: () => "\n",
      });
      throw new Error(`cannot compile ${sourceDirFromRoot}/${name}:\n${text}`);
    }
    const header = [
      `// Compiled from ${sourceDirFromRoot}/${name} by the strapi-libsql patch generator.`,
      "// Do not edit here: change the source and run `pnpm patch:generate`.",
    ].join("\n");
    return {
      packagePath: `${packageDir}/${name.replace(/\.ts$/, ".js")}`,
      content: `${header}\n${outputText.replace(/\n\/\/# sourceMappingURL=.*\n?$/, "\n")}`,
    };
  });
}
