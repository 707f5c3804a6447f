import { describe, expect, it } from "vitest";
import { LibsqlConfigError } from "./connection-url";
import { DEFAULT_TIMEOUTS } from "./deadline";
import { parseTimeouts } from "./timeout-settings";

describe("the connect and statement timeouts as settings", () => {
  it("are the defaults when unset or empty, as an empty line in .env gives them", () => {
    expect(parseTimeouts({})).toEqual(DEFAULT_TIMEOUTS);
    expect(parseTimeouts({ connectTimeout: "", statementTimeout: "" })).toEqual(DEFAULT_TIMEOUTS);
  });

  it("take milliseconds as a number or as the string an environment variable gives", () => {
    expect(parseTimeouts({ connectTimeout: "10000", statementTimeout: 120_000 })).toEqual({ ...DEFAULT_TIMEOUTS, connectMs: 10_000, requestMs: 120_000 });
  });

  it.each([["3s"], ["-1"], ["0"], [1.5], ["1e4"]])("refuse %j with one line naming the setting", (value) => {
    expect(() => parseTimeouts({ connectTimeout: value })).toThrow(LibsqlConfigError);
    expect(() => parseTimeouts({ connectTimeout: value })).toThrow(
      new RegExp(`^libsql: connection\\.connectTimeout \\(DATABASE_CONNECT_TIMEOUT\\) is ${JSON.stringify(value).replace(/[.]/g, "\\.")}; give a whole number of milliseconds such as 3000, or leave it unset$`),
    );
    expect(() => parseTimeouts({ statementTimeout: value })).toThrow(/connection\.statementTimeout \(DATABASE_STATEMENT_TIMEOUT\).*such as 30000/);
  });
});
