// Drives Prisma's schema engine compiled to WebAssembly, so migrations apply (and new ones can be
// diffed) on machines without Prisma's native engine. The migration folders stay standard Prisma:
// `prisma migrate deploy` works on the same folder where the native engine exists.
//
// Pinned, exactly, because this module works below the packages' public APIs (README, "Pinned
// dependencies"):
// - @prisma/schema-engine-wasm 8.1.0-2.59be4fda…: instantiated by hand the way a bundler would
//   (its wasm-bindgen glue `schema_engine_bg.js`: __wbg_set_wasm, the "./schema_engine_bg.js" import
//   namespace, __wbindgen_start; and the PRISMA_WASM_PANIC_REGISTRY global it reports panics to).
//   Its versions follow the engines, not the CLI: Prisma 7.10.1 carries engines 8.1.0-1.d1b3f377…,
//   which has no published WebAssembly build; this is the registry's only 8.1 one.
// - @prisma/adapter-pg and @prisma/driver-adapter-utils 7.10.1 (with @prisma/client and prisma at
//   the same version): the adapter's connection is patched through its internal performIO and
//   onError, and relies on queryRaw returning the very rows array performIO read.
// What it relies on is checked when it runs (lib/db/library-internals.ts), and
// lib/db/schema-engine.test.ts diffs and applies migrations on a scratch database: an upgrade that
// breaks either fails there, by name.
import { readdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory, ColumnTypeEnum } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { assertInternals } from "./library-internals";

type WasmModule = typeof import("@prisma/schema-engine-wasm/schema_engine_bg");
type Engine = Awaited<ReturnType<WasmModule["SchemaEngine"]["new"]>>;

let wasmModule: Promise<WasmModule> | undefined;

// The engine reports a Rust panic's message here before it aborts; it then surfaces in the thrown error.
let lastPanic = "";
(globalThis as { PRISMA_WASM_PANIC_REGISTRY?: unknown }).PRISMA_WASM_PANIC_REGISTRY = {
  set_message(message: string) {
    lastPanic = message;
  },
};

const MODULE = "lib/db/schema-engine.ts";
const WASM_PACKAGE = "@prisma/schema-engine-wasm";

async function loadWasm(): Promise<WasmModule> {
  const bindings = await import("@prisma/schema-engine-wasm/schema_engine_bg");
  assertInternals(`${WASM_PACKAGE}'s schema_engine_bg.js`, bindings, ["__wbg_set_wasm"], MODULE);
  assertInternals(`${WASM_PACKAGE}'s SchemaEngine`, bindings.SchemaEngine, ["new"], MODULE);
  const require = createRequire(import.meta.url);
  const wasmPath = path.join(
    path.dirname(require.resolve("@prisma/schema-engine-wasm/schema_engine_bg")),
    "schema_engine_bg.wasm",
  );
  let instance: WebAssembly.Instance;
  try {
    ({ instance } = await WebAssembly.instantiate(await readFile(wasmPath), {
      "./schema_engine_bg.js": bindings as unknown as WebAssembly.ModuleImports,
    }));
  } catch (error) {
    throw new Error(
      `${WASM_PACKAGE}: schema_engine_bg.wasm no longer instantiates against its JavaScript glue the way ${MODULE} does it (${error instanceof Error ? error.message : error})`,
      { cause: error },
    );
  }
  assertInternals(`${WASM_PACKAGE}'s schema_engine_bg.wasm`, instance.exports, ["__wbindgen_start"], MODULE);
  bindings.__wbg_set_wasm(instance.exports);
  (instance.exports as { __wbindgen_start: () => void }).__wbindgen_start();
  return bindings;
}

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;
const charColumns = Symbol("charColumns");

type QueryResult = { fields: { dataTypeID: number }[]; rows: unknown[] & { [charColumns]?: number[] } };
type RawResult = { columnTypes: number[]; rows: QueryResult["rows"] };

/**
 * Two gaps in Prisma's pg adapter when it serves the schema engine (not the app's queries):
 * - it runs a migration script by splitting it on every ";", which breaks function bodies and
 *   string literals. PostgreSQL's simple query protocol runs the whole script as sent, in one
 *   implicit transaction, so a migration applies completely or not at all;
 * - it cannot type PostgreSQL's internal "char" columns, which introspection reads from the
 *   catalogs: they are passed through as text and then reported as the engine's Character type.
 */
class WholeScriptPrismaPg extends PrismaPg {
  constructor(private readonly pool: pg.Pool) {
    super(pool);
  }

  override async connect() {
    const adapter = await super.connect();
    assertInternals("@prisma/adapter-pg's adapter", adapter, ["performIO", "onError", "queryRaw"], MODULE);
    const io = adapter as unknown as { performIO(query: unknown): Promise<QueryResult> };
    const performIO = io.performIO.bind(adapter);
    io.performIO = async (query) => {
      const result = await performIO(query);
      const positions = result.fields.flatMap((field, i) => (field.dataTypeID === PG_CHAR_OID ? [i] : []));
      for (const i of positions) result.fields[i]!.dataTypeID = PG_TEXT_OID;
      result.rows[charColumns] = positions;
      return result;
    };
    const queryRaw = adapter.queryRaw.bind(adapter);
    adapter.queryRaw = async (query) => {
      const result = await queryRaw(query);
      const raw = result as unknown as RawResult;
      // performIO marks every rows array it reads; queryRaw must hand that same array back.
      if (!(charColumns in raw.rows))
        throw new Error(
          `@prisma/adapter-pg's queryRaw no longer returns the rows its performIO read, which ${MODULE} relies on to type "char" columns: see its header`,
        );
      for (const i of raw.rows[charColumns] ?? []) raw.columnTypes[i] = ColumnTypeEnum.Character;
      return result;
    };
    adapter.executeScript = async (script: string) => {
      try {
        await this.pool.query(script);
      } catch (error) {
        // The adapter's own error mapping turns pg errors into the engine's DriverAdapterError.
        (adapter as unknown as { onError(error: unknown): never }).onError(error);
      }
    };
    return adapter;
  }
}

async function withEngine<T>(url: string, schemaText: string, run: (engine: Engine) => Promise<T>): Promise<T> {
  wasmModule ??= loadWasm();
  const { SchemaEngine } = await wasmModule;
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const adapter = bindMigrationAwareSqlAdapterFactory(new WholeScriptPrismaPg(pool));
  const engine = await SchemaEngine.new({ datamodels: [["schema.prisma", schemaText]] }, () => undefined, adapter);
  try {
    return await run(engine);
  } catch (error) {
    if (lastPanic) throw new Error(`Prisma schema engine panicked: ${lastPanic}`, { cause: error });
    throw error;
  } finally {
    engine.free();
    await pool.end();
  }
}

const emptyFilters = { externalTables: [], externalEnums: [] };

export interface MigrationPaths {
  schemaPath: string;
  migrationsDir: string;
}

export const defaultMigrationPaths: MigrationPaths = {
  schemaPath: path.resolve("prisma/schema.prisma"),
  migrationsDir: path.resolve("prisma/migrations"),
};

async function readMigrations(migrationsDir: string) {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const dirs = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const lockPath = path.join(migrationsDir, "migration_lock.toml");
  return {
    baseDir: migrationsDir,
    lockfile: { path: lockPath, content: await readFile(lockPath, "utf8").catch(() => null) },
    migrationDirectories: await Promise.all(
      dirs.map(async (dir) => ({
        path: dir,
        migrationFile: {
          path: "migration.sql",
          content: {
            tag: "ok" as const,
            value: await readFile(path.join(migrationsDir, dir, "migration.sql"), "utf8"),
          },
        },
      })),
    ),
    shadowDbInitScript: "",
  };
}

/** Applies every pending migration folder, recording it in _prisma_migrations; returns the names applied. */
export async function applyMigrations(url: string, paths: MigrationPaths = defaultMigrationPaths): Promise<string[]> {
  const schemaText = await readFile(paths.schemaPath, "utf8");
  const migrationsList = await readMigrations(paths.migrationsDir);
  return withEngine(url, schemaText, async (engine) => {
    const result = await engine.applyMigrations({ migrationsList, filters: emptyFilters });
    return result.appliedMigrationNames;
  });
}

/**
 * SQL that takes the database at `url` to the schema file. Tables Prisma does not model (the
 * monthly partitions of events) are passed as external so the diff leaves them alone.
 */
export async function diffDatabaseToSchema(
  url: string,
  externalTables: string[],
  paths: MigrationPaths = defaultMigrationPaths,
): Promise<string> {
  const schemaText = await readFile(paths.schemaPath, "utf8");
  return withEngine(url, schemaText, async (engine) => {
    const result = await engine.diff({
      // "schemaDatasource" is the live database the engine is connected to (the adapter for `url`).
      from: {
        tag: "schemaDatasource",
        files: [{ path: paths.schemaPath, content: schemaText }],
        configDir: path.dirname(paths.schemaPath),
      },
      to: { tag: "schemaDatamodel", files: [{ path: paths.schemaPath, content: schemaText }] },
      script: true,
      exitCode: null,
      filters: { externalTables, externalEnums: [] },
    });
    return result.stdout ?? "";
  });
}

/** SQL that creates the whole schema file from nothing (used to write the first migration). */
export async function diffEmptyToSchema(url: string, paths: MigrationPaths = defaultMigrationPaths): Promise<string> {
  const schemaText = await readFile(paths.schemaPath, "utf8");
  return withEngine(url, schemaText, async (engine) => {
    const result = await engine.diff({
      from: { tag: "empty" },
      to: { tag: "schemaDatamodel", files: [{ path: paths.schemaPath, content: schemaText }] },
      script: true,
      exitCode: null,
      filters: emptyFilters,
    });
    return result.stdout ?? "";
  });
}
