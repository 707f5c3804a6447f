import { describe, expect, it } from "vitest";
import { classify, textToSend } from "./statements";

describe("classify", () => {
  it.each([
    ["BEGIN;", { type: "begin", plain: true }],
    ["begin transaction", { type: "begin", plain: true }],
    ["BEGIN IMMEDIATE", { type: "begin", plain: false }],
    ["begin exclusive;", { type: "begin", plain: false }],
    ["COMMIT;", { type: "commit" }],
    ["end", { type: "commit" }],
    ["ROLLBACK", { type: "rollback" }],
    ["rollback transaction;", { type: "rollback" }],
    ["ROLLBACK TO SAVEPOINT trx2", { type: "other" }],
    ["pragma foreign_keys = off", { type: "pragma", name: "foreign_keys" }],
    ["PRAGMA Foreign_Keys=ON;", { type: "pragma", name: "foreign_keys" }],
    ["pragma foreign_keys", { type: "read" }],
    ["PRAGMA table_info(`articles`)", { type: "read" }],
    ["select 1", { type: "read" }],
    ["  SELECT * from a", { type: "read" }],
    ["insert into a values (1) returning id", { type: "other" }],
    ["with x as (select 1) insert into a select * from x", { type: "other" }],
    ["create table a (x)", { type: "other" }],
  ])("%s is %o", (sql, kind) => {
    expect(classify(sql)).toEqual(kind);
  });
});

describe("textToSend", () => {
  it("sends knex's plain BEGIN as BEGIN IMMEDIATE and everything else as written", () => {
    expect(textToSend(classify("BEGIN;"), "BEGIN;")).toBe("BEGIN IMMEDIATE");
    expect(textToSend(classify("BEGIN DEFERRED"), "BEGIN DEFERRED")).toBe("BEGIN DEFERRED");
    expect(textToSend(classify("select 1"), "select 1")).toBe("select 1");
  });
});
