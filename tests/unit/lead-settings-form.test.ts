import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_TAG_LENGTH, MAX_TAGS, MAX_TEMPLATE_LENGTH, renderLeadName } from "@/lib/leads/mapping";
import {
  checkSavedDestination,
  parseLeadSettingsForm,
  parseTags,
  SAMPLE_LEAD,
  templateProblems,
  type PipelineChoice,
} from "@/lib/leads/settings-form";

const PIPELINES: PipelineChoice[] = [
  { id: 7012345, name: "Воронка", stages: [{ id: 61000002, name: "Первичный контакт" }] },
  { id: 7012346, name: "Сайт", stages: [{ id: 61000011, name: "Новая заявка" }, { id: 61000012, name: "В работе" }] },
];

const form = (overrides: Partial<Record<"destination" | "pipelineId" | "statusId" | "nameTemplate" | "tags", string>> = {}) => ({
  destination: "unsorted",
  pipelineId: "",
  statusId: "",
  nameTemplate: "{name} — {source}",
  tags: "website",
  ...overrides,
});

type Options = Parameters<typeof parseLeadSettingsForm>[1];

function parse(input: ReturnType<typeof form>, options: Options = { pipelines: null, kept: null }) {
  const parsed = parseLeadSettingsForm(input, options);
  if (!parsed.success) throw new Error(`expected the form to be taken: ${JSON.stringify(parsed.fieldErrors)}`);
  return parsed.data;
}

function errorsOf(input: ReturnType<typeof form>, options: Options = { pipelines: PIPELINES, kept: null }) {
  const parsed = parseLeadSettingsForm(input, options);
  if (parsed.success) throw new Error("expected the form to be refused");
  return parsed.fieldErrors;
}

describe("parseTags", () => {
  it.each([
    ["website", ["website"]],
    [" website , promo ", ["website", "promo"]],
    ["website,,  ,promo,", ["website", "promo"]],
    ["Website, website, WEBSITE, promo", ["Website", "promo"]],
    ["  summer   sale , x", ["summer sale", "x"]],
    ["", []],
    [" , ", []],
  ])("%j is %j", (raw, tags) => {
    expect(parseTags(raw)).toEqual(tags);
  });

  it("never gives an empty, padded or repeated tag", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (raw) => {
        const tags = parseTags(raw);
        for (const tag of tags) {
          expect(tag).not.toBe("");
          expect(tag).toBe(tag.trim());
          expect(tag).not.toContain(",");
        }
        expect(new Set(tags.map((tag) => tag.toLocaleLowerCase())).size).toBe(tags.length);
      }),
    );
  });
});

describe("templateProblems", () => {
  it.each([
    ["{name} — {source}", [], false],
    ["{name} {phone} {email} {page}", [], false],
    ["Lead from {site} by {name} via {site}", ["site"], false],
    ["{Name}", ["Name"], false],
    ["{}", [""], false],
    ["{name", [], true],
    ["name}", [], true],
    ["{{name}}", [], true],
    ["plain text", [], false],
  ] as const)("%j: unknown %j, unbalanced %s", (template, unknown, unbalanced) => {
    expect(templateProblems(template)).toEqual({ unknown, unbalanced });
  });
});

describe("parseLeadSettingsForm", () => {
  it("takes Incoming leads with the tags cleaned and ignores any pipeline left in the form", () => {
    const parsed = parse(form({ tags: " website, promo, Website ", pipelineId: "1", statusId: "2" }));
    expect(parsed).toEqual({ destination: { kind: "unsorted" }, nameTemplate: "{name} — {source}", tags: ["website", "promo"] });
  });

  it("allows no tags at all", () => {
    expect(parse(form({ tags: "  " })).tags).toEqual([]);
  });

  it("takes a pipeline and stage that the account has, a pipeline without Unsorted included", () => {
    const parsed = parse(form({ destination: "pipeline", pipelineId: "7012346", statusId: "61000012" }), { pipelines: PIPELINES, kept: null });
    expect(parsed.destination).toEqual({ kind: "pipeline", pipelineId: 7012346, statusId: 61000012 });
  });

  it("refuses a missing pipeline and stage, each next to its own field", () => {
    const errors = errorsOf(form({ destination: "pipeline" }));
    expect(errors.pipelineId?.map((error) => error.key)).toEqual(["pipelineRequired"]);
    expect(errors.statusId?.map((error) => error.key)).toEqual(["stageRequired"]);
  });

  it("refuses a pipeline the account does not have, and a stage of another pipeline", () => {
    expect(errorsOf(form({ destination: "pipeline", pipelineId: "999", statusId: "61000011" })).pipelineId?.[0]?.key).toBe("pipelineUnknown");
    expect(errorsOf(form({ destination: "pipeline", pipelineId: "7012346", statusId: "61000002" })).statusId?.[0]?.key).toBe("stageUnknown");
  });

  it("without the account's list keeps only the saved pipeline and stage", () => {
    const kept = { pipelineId: 7012346, statusId: 61000011 };
    const parsed = parse(form({ destination: "pipeline", pipelineId: "7012346", statusId: "61000011" }), { pipelines: null, kept });
    expect(parsed.destination).toEqual({ kind: "pipeline", ...kept });
    const errors = errorsOf(form({ destination: "pipeline", pipelineId: "7012346", statusId: "61000012" }), { pipelines: null, kept });
    expect(errors.pipelineId?.[0]?.key).toBe("pipelinesUnavailable");
  });

  it("reports a missing stage together with a bad template and bad tags", () => {
    const errors = errorsOf(form({ destination: "pipeline", pipelineId: "7012346", nameTemplate: "{site}", tags: "y".repeat(MAX_TAG_LENGTH + 1) }));
    expect(Object.keys(errors).sort()).toEqual(["nameTemplate", "statusId", "tags"]);
  });

  it("refuses an unknown destination", () => {
    expect(errorsOf(form({ destination: "elsewhere" })).destination?.[0]?.key).toBe("destination");
  });

  it("refuses an empty, overlong or unknown-placeholder template, naming the unknown ones", () => {
    expect(errorsOf(form({ nameTemplate: "   " })).nameTemplate?.map((error) => error.key)).toEqual(["templateRequired"]);
    expect(errorsOf(form({ nameTemplate: "x".repeat(MAX_TEMPLATE_LENGTH + 1) })).nameTemplate?.map((error) => error.key)).toEqual(["templateTooLong"]);
    expect(errorsOf(form({ nameTemplate: "{name} from {site} {city" })).nameTemplate).toEqual([
      { key: "templateUnknownPlaceholder", params: { names: "{site}" } },
      { key: "templateBraces", params: {} },
    ]);
  });

  it("takes a template of exactly the maximum length, trimmed", () => {
    const template = `{name} ${"x".repeat(MAX_TEMPLATE_LENGTH - 7)}`;
    expect(parse(form({ nameTemplate: `  ${template}  ` })).nameTemplate).toBe(template);
  });

  it("refuses too many tags and overlong ones, naming them", () => {
    const many = Array.from({ length: MAX_TAGS + 1 }, (_, index) => `tag${index}`).join(",");
    expect(errorsOf(form({ tags: many })).tags).toEqual([{ key: "tagsTooMany", params: { count: MAX_TAGS + 1 } }]);
    const long = "y".repeat(MAX_TAG_LENGTH + 1);
    expect(errorsOf(form({ tags: `website, ${long}` })).tags).toEqual([{ key: "tagTooLong", params: { tags: long } }]);
    expect(parse(form({ tags: "y".repeat(MAX_TAG_LENGTH) })).tags).toHaveLength(1);
  });

  it("counts tags after duplicates are dropped", () => {
    const repeated = Array.from({ length: MAX_TAGS + 5 }, () => "website").join(",");
    expect(parse(form({ tags: repeated })).tags).toEqual(["website"]);
  });
});

describe("checkSavedDestination", () => {
  it("names the saved pipeline and stage, or flags them when the account no longer has them", () => {
    expect(checkSavedDestination({ kind: "unsorted" }, PIPELINES)).toEqual({ kind: "unsorted" });
    expect(checkSavedDestination({ kind: "pipeline", pipelineId: 7012346, statusId: 61000012 }, PIPELINES)).toEqual({ kind: "ok", pipeline: "Сайт", stage: "В работе" });
    expect(checkSavedDestination({ kind: "pipeline", pipelineId: 7012346, statusId: 61000002 }, PIPELINES)).toEqual({ kind: "missing", pipelineId: 7012346, statusId: 61000002 });
    expect(checkSavedDestination({ kind: "pipeline", pipelineId: 1, statusId: 2 }, PIPELINES)).toEqual({ kind: "missing", pipelineId: 1, statusId: 2 });
  });
});

describe("the preview's sample lead", () => {
  it("renders every placeholder and ends with the lead's reference", () => {
    expect(renderLeadName("{name} | {source} | {phone} | {email} | {page}", SAMPLE_LEAD)).toBe(
      `Ali Valiyev | contact-form | +998901234567 | ali@example.uz | https://example.uz/contact #${SAMPLE_LEAD.id}`,
    );
  });
});
