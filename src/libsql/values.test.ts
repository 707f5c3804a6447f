import { describe, expect, it } from "vitest";
import { fromSqlValue, toRowObject, toSqlValue } from "./values";

describe("toSqlValue", () => {
  it("binds what better-sqlite3 binds for dates and booleans", () => {
    expect(toSqlValue(new Date("2024-01-02T03:04:05.678Z"))).toBe(1704164645678n);
    expect(toSqlValue(true)).toBe(1n);
    expect(toSqlValue(false)).toBe(0n);
    expect(toSqlValue(undefined)).toBeNull();
  });

  it("replaces a lone surrogate, which sqld refuses, and keeps whole emoji", () => {
    expect(toSqlValue("cut 🦀 and \ud83e")).toBe("cut 🦀 and \ufffd");
    expect(toSqlValue("\udd80 alone")).toBe("\ufffd alone");
  });

  it("binds integral numbers as integers and others as floats", () => {
    expect(toSqlValue(10)).toBe(10n);
    expect(toSqlValue(1.5)).toBe(1.5);
    expect(toSqlValue(2 ** 60)).toBe(2 ** 60);
  });

  it("binds the bytes of any binary value, a view's own bytes only, where the drivers took other views as text or refused them", () => {
    const bytes = (value: unknown) => [...(toSqlValue(value) as Uint8Array)];
    const buffer = Buffer.from([9, 1, 2, 3, 9]).subarray(1, 4);
    expect(toSqlValue(buffer)).toBe(buffer);
    expect(bytes(new Uint8Array([1, 2, 3]).buffer)).toEqual([1, 2, 3]);
    expect(bytes(new DataView(new Uint8Array([9, 1, 2, 9]).buffer, 1, 2))).toEqual([1, 2]);
    expect(bytes(new Uint16Array([0x0201]))).toEqual([1, 2]);
  });
});

describe("fromSqlValue", () => {
  it("returns safe integers as numbers and larger ones as exact strings", () => {
    expect(fromSqlValue(42n)).toBe(42);
    expect(fromSqlValue(9007199254740993n)).toBe("9007199254740993");
    expect(fromSqlValue(-9007199254740993n)).toBe("-9007199254740993");
  });

  it("returns blobs as Buffers", () => {
    expect(fromSqlValue(new Uint8Array([1, 2]).buffer)).toEqual(Buffer.from([1, 2]));
  });

  it("builds row objects keyed by column", () => {
    expect(toRowObject(["id", "name"], [1n, "a"])).toEqual({ id: 1, name: "a" });
  });
});
