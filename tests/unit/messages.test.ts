import fs from "node:fs";
import path from "node:path";
import { parse, TYPE, type MessageFormatElement } from "@formatjs/icu-messageformat-parser";
import { describe, expect, it } from "vitest";
import { LOCALES } from "@/lib/i18n/locales";
import { loadMessages } from "@/lib/i18n/messages";

/** The three message trees, every namespace: same shape, nothing empty, valid ICU with the same arguments. */

type Tree = { [key: string]: string | Tree };

function leaves(tree: Tree, prefix = ""): [string, unknown][] {
  return Object.entries(tree).flatMap(([key, value]) =>
    value !== null && typeof value === "object" ? leaves(value as Tree, `${prefix}${key}.`) : [[`${prefix}${key}`, value]],
  );
}

function argumentNames(elements: MessageFormatElement[], names = new Set<string>()): Set<string> {
  for (const element of elements) {
    if (element.type === TYPE.literal || element.type === TYPE.pound) continue;
    if (element.type === TYPE.tag) {
      argumentNames(element.children, names);
      continue;
    }
    names.add(element.value);
    if (element.type === TYPE.plural || element.type === TYPE.select) {
      for (const option of Object.values(element.options)) argumentNames(option.value, names);
    }
  }
  return names;
}

const trees = Object.fromEntries(LOCALES.map((locale) => [locale, loadMessages(locale) as unknown as Tree]));
const flat = Object.fromEntries(LOCALES.map((locale) => [locale, new Map(leaves(trees[locale]!))]));

describe("message trees", () => {
  it("load every namespace file of messages/<locale>/", () => {
    for (const locale of LOCALES) {
      const files = fs.readdirSync(path.resolve("messages", locale)).map((file) => file.replace(/\.json$/, "")).sort();
      expect(Object.keys(trees[locale]!).sort(), locale).toEqual(files);
    }
  });

  it.each(LOCALES.filter((locale) => locale !== "en"))("%s has exactly the keys of en", (locale) => {
    expect([...flat[locale]!.keys()].sort()).toEqual([...flat.en!.keys()].sort());
  });

  it.each(LOCALES)("every %s value is a non-empty, valid ICU message", (locale) => {
    for (const [key, value] of flat[locale]!) {
      expect(typeof value === "string" && value.trim() !== "", `${locale} ${key}`).toBe(true);
      expect(() => parse(value as string), `${locale} ${key}`).not.toThrow();
    }
  });

  it.each(LOCALES.filter((locale) => locale !== "en"))("%s uses the same arguments as en in every message", (locale) => {
    for (const [key, value] of flat.en!) {
      const expected = [...argumentNames(parse(value as string))].sort();
      const actual = [...argumentNames(parse(flat[locale]!.get(key) as string))].sort();
      expect(actual, `${locale} ${key}`).toEqual(expected);
    }
  });
});
