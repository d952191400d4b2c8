import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * Every public method of the client, its resources and the exported classes, and every field of the exported
 * option types, has TSDoc: editors show it on hover and the reference pages are built from it.
 */
const entry = fileURLToPath(new URL("../src/index.ts", import.meta.url));
const program = ts.createProgram([entry], {
  strict: true,
  target: ts.ScriptTarget.ES2022,
  skipLibCheck: true,
});
const checker = program.getTypeChecker();
const exports = checker.getExportsOfModule(
  checker.getSymbolAtLocation(program.getSourceFile(entry) as ts.SourceFile) as ts.Symbol,
);

const documented = (declaration: ts.Declaration) =>
  ts.getJSDocCommentsAndTags(declaration).some((doc) => ts.isJSDoc(doc) && doc.comment !== undefined);

const isPublicMember = (declaration: ts.Declaration) => {
  const flags = ts.getCombinedModifierFlags(declaration);
  const name = ts.getNameOfDeclaration(declaration);
  return (
    !(flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) &&
    !(name && ts.isPrivateIdentifier(name)) &&
    !ts.isConstructorDeclaration(declaration)
  );
};

/** `Owner.member` for every public method (classes) or field (option interfaces) without TSDoc. */
function undocumented(type: ts.Type, owner: string, kinds: ts.SyntaxKind[], seen: Set<ts.Type>): string[] {
  if (seen.has(type)) return [];
  seen.add(type);
  const missing: string[] = [];
  for (const property of checker.getPropertiesOfType(type)) {
    const declarations = (property.declarations ?? []).filter(
      (d) => kinds.includes(d.kind) && !d.getSourceFile().fileName.includes("node_modules"),
    );
    const first = declarations[0];
    if (!first || !isPublicMember(first)) continue;
    if (!declarations.some(documented)) missing.push(`${owner}.${property.name}`);
  }
  return missing;
}

const methodKinds = [ts.SyntaxKind.MethodDeclaration, ts.SyntaxKind.GetAccessor];
const fieldKinds = [ts.SyntaxKind.PropertySignature];

describe("TSDoc", () => {
  it("documents every public method of the client, its resources and the exported classes", () => {
    const seen = new Set<ts.Type>();
    const missing: string[] = [];
    for (const symbol of exports) {
      const declaration = symbol.declarations?.[0] ?? checker.getAliasedSymbol(symbol).declarations?.[0];
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      const classDeclaration = target.declarations?.find(ts.isClassDeclaration);
      if (!declaration || !classDeclaration) continue;
      const instance = checker.getDeclaredTypeOfSymbol(target);
      missing.push(...undocumented(instance, symbol.name, methodKinds, seen));
      // The client's resources (`segmento.customers`, `segmento.organizations.members`, ...).
      const visit = (type: ts.Type, path: string, depth: number) => {
        for (const property of checker.getPropertiesOfType(type)) {
          const member = property.valueDeclaration;
          if (!member || !ts.isPropertyDeclaration(member) || !isPublicMember(member)) continue;
          const resource = checker.getTypeOfSymbol(property);
          if (!resource.getSymbol()?.declarations?.some(ts.isClassDeclaration)) continue;
          missing.push(...undocumented(resource, `${path}.${property.name}`, methodKinds, seen));
          if (depth < 2) visit(resource, `${path}.${property.name}`, depth + 1);
        }
      };
      if (symbol.name === "Segmento") visit(instance, "segmento", 1);
    }
    expect(missing).toEqual([]);
  });

  it("documents every field of the exported option types", () => {
    const seen = new Set<ts.Type>();
    const missing: string[] = [];
    for (const symbol of exports.filter((s) => /Options$/.test(s.name))) {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      missing.push(...undocumented(checker.getDeclaredTypeOfSymbol(target), symbol.name, fieldKinds, seen));
    }
    expect(missing).toEqual([]);
  });
});
