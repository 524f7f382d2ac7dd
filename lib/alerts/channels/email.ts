import "server-only";
import type { AlertMessage } from "../message";
import type { SendResult } from "./webhook";

/** The email channel (SMTP through nodemailer); not wired yet. */
export async function send(_message: AlertMessage, { recipients }: { recipients: string[] }): Promise<SendResult> {
  void recipients;
  return { ok: false, code: "email_not_configured" };
}
