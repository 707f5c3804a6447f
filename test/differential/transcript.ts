// What one run of the scenario saw: every API response, normalised so that two databases
// can be compared with toEqual. Only what legitimately varies between two runs is replaced:
// ids, timestamps, and the random parts of uploads and credentials. Everything else a user
// sees (values, types, order, status codes, error bodies) is kept.
import type { ApiResponse } from "../helpers/api";

/** The fixture's biginteger attribute (test/fixtures/libsql-fixtures). */
const BIGINTEGER_KEYS = new Set(["big"]);
const ID_KEYS = new Set(["id", "pathId"]);
const TIMESTAMP_KEYS = new Set(["createdAt", "updatedAt", "publishedAt", "lastUsedAt"]);
const SECRET_KEYS = new Set(["jwt", "accessKey", "token"]);
/** Media Library paths are made of folder ids: "/3/7". */
const ID_PATH = /^(\/\d+)+$/;
/** The local upload provider names a file `<name>_<10 random hex><ext>`. */
const UPLOAD_HASH = /_[0-9a-f]{10}(?=\.|$)/g;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

export interface BigIntegerSeen {
  step: string;
  value: string;
}

export class Transcript {
  /** Normalised responses, section by section, step by step, in the order they ran. */
  readonly sections: Record<string, Record<string, unknown>> = {};
  /**
   * biginteger values beyond 2^53, taken out of the comparison: SQLite (better-sqlite3)
   * rounds them, libSQL returns them exactly. Each target checks them on its own.
   */
  readonly bigIntegers: BigIntegerSeen[] = [];
  /** Results that differ by driver by design, checked per target (see the suite). */
  readonly facts: Record<string, unknown> = {};

  private section = "";

  constructor(readonly target: string) {}

  /** Steps recorded from now on belong to `section`. */
  begin(section: string): void {
    this.section = section;
    this.sections[section] = {};
  }

  /** Awaits a response, records it normalised under the current section, returns it raw. */
  async step<T = any>(step: string, pending: Promise<ApiResponse<T>>): Promise<ApiResponse<T>> {
    const response = await pending;
    this.put(step, this.normalise({ status: response.status, body: response.body }, `${this.section} / ${step}`));
    return response;
  }

  /** Records a value computed by the scenario itself (already free of ids and timestamps). */
  note(step: string, value: unknown): void {
    this.put(step, value);
  }

  private put(step: string, value: unknown): void {
    const steps = this.sections[this.section];
    if (!steps) throw new Error(`${this.target}: step "${step}" recorded outside a section`);
    if (step in steps) throw new Error(`${this.target}: step "${this.section} / ${step}" recorded twice`);
    steps[step] = value;
  }

  private normalise(value: unknown, step: string, key?: string): unknown {
    if (Array.isArray(value)) return value.map((item) => this.normalise(item, step));
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.normalise(v, step, k)]));
    }
    if (key === undefined) return value;
    if (ID_KEYS.has(key) && typeof value === "number") return "<id>";
    if (TIMESTAMP_KEYS.has(key) && typeof value === "string") return "<timestamp>";
    if (SECRET_KEYS.has(key) && typeof value === "string") return "<secret>";
    if ((key === "path" || key === "folderPath") && typeof value === "string" && ID_PATH.test(value)) {
      return value.replace(/\d+/g, "<id>");
    }
    if ((key === "hash" || key === "url") && typeof value === "string") return value.replace(UPLOAD_HASH, "_<hash>");
    if (BIGINTEGER_KEYS.has(key) && typeof value === "string" && isBeyondSafeInteger(value)) {
      this.bigIntegers.push({ step, value });
      return "<beyond 2^53: checked per target>";
    }
    return value;
  }
}

function isBeyondSafeInteger(value: string): boolean {
  if (!/^-?\d+$/.test(value)) return false;
  const big = BigInt(value);
  return big > MAX_SAFE || big < -MAX_SAFE;
}
