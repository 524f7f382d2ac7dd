import "server-only";
import { eq } from "drizzle-orm";
import { DEFAULT_LEAD_SETTINGS, type LeadSettings } from "@/lib/leads/mapping";
import { firstRow, getDb } from "./client";
import { leadSettings } from "./tables";
import { writeStatement } from "./transaction";

/** Where leads go (/settings/leads): one row; without it, the defaults (Incoming leads, tag `website`). */

const SETTINGS_ID = 1;

function parseList(value: string): string[] {
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === "string") : [];
  } catch {
    return [];
  }
}

export async function getLeadSettings(): Promise<LeadSettings & { utmFieldsCheckedAt: Date | null; updatedAt: Date | null; updatedBy: string | null }> {
  const row = firstRow(await getDb().select().from(leadSettings).where(eq(leadSettings.id, SETTINGS_ID)));
  if (!row) return { ...DEFAULT_LEAD_SETTINGS, utmFieldsCheckedAt: null, updatedAt: null, updatedBy: null };
  const destination: LeadSettings["destination"] =
    row.destination === "pipeline" && row.pipelineId !== null && row.statusId !== null
      ? { kind: "pipeline", pipelineId: row.pipelineId, statusId: row.statusId }
      : { kind: "unsorted" };
  return {
    destination,
    nameTemplate: row.nameTemplate,
    tags: parseList(row.tags),
    utmFieldCodes: parseList(row.utmFieldCodes),
    utmFieldsCheckedAt: row.utmFieldsCheckedAt,
    updatedAt: row.updatedAt,
    updatedBy: row.updatedBy,
  };
}

/** Saves the admin's choices; leads already sent keep what they were sent with. */
export async function saveLeadSettings({
  settings,
  updatedBy,
  now = new Date(),
}: {
  settings: Omit<LeadSettings, "utmFieldCodes">;
  updatedBy: string;
  now?: Date;
}): Promise<void> {
  const values = {
    destination: settings.destination.kind,
    pipelineId: settings.destination.kind === "pipeline" ? settings.destination.pipelineId : null,
    statusId: settings.destination.kind === "pipeline" ? settings.destination.statusId : null,
    nameTemplate: settings.nameTemplate,
    tags: JSON.stringify(settings.tags),
    updatedAt: now,
    updatedBy,
  };
  await writeStatement((db) => db.insert(leadSettings).values({ id: SETTINGS_ID, ...values }).onConflictDoUpdate({ target: leadSettings.id, set: values }));
}

/** Remembers which UTM fields the account has (read live from amoCRM), so each batch need not ask. */
export async function saveUtmFieldCodes({ codes, now = new Date() }: { codes: string[]; now?: Date }): Promise<void> {
  const values = { utmFieldCodes: JSON.stringify(codes), utmFieldsCheckedAt: now };
  await writeStatement((db) =>
    db
      .insert(leadSettings)
      .values({
        id: SETTINGS_ID,
        destination: "unsorted",
        nameTemplate: DEFAULT_LEAD_SETTINGS.nameTemplate,
        tags: JSON.stringify(DEFAULT_LEAD_SETTINGS.tags),
        updatedAt: now,
        ...values,
      })
      .onConflictDoUpdate({ target: leadSettings.id, set: values }),
  );
}
