// Two modules drive library internals that no public API offers: lib/db/schema-engine.ts (Prisma's
// WebAssembly schema engine and its pg driver adapter) and lib/db/copy-from.ts (pg's connection).
// Their packages are pinned exactly (README, "Pinned dependencies"). When an upgrade takes away a
// member they call, this names it and the module to update, instead of a TypeError deep inside the
// library or a migration that half-works.

/** The members of `object` that are not functions, of those named. */
export function missingMembers(object: unknown, members: readonly string[]): string[] {
  const record = (object ?? {}) as Record<string, unknown>;
  return members.filter((member) => typeof record[member] !== "function");
}

export function internalsChanged(library: string, missing: readonly string[], module: string): Error {
  return new Error(
    `${library} no longer has ${missing.join(", ")}, which ${module} relies on: the installed version is not the one it was written for. ` +
      `Restore the pinned version in package.json, or update ${module} (see its header and README "Pinned dependencies").`,
  );
}

/** Throws internalsChanged() when `object` lacks any of the named functions. */
export function assertInternals(library: string, object: unknown, members: readonly string[], module: string): void {
  const missing = missingMembers(object, members);
  if (missing.length > 0) throw internalsChanged(library, missing, module);
}
