// npm run admin -- add <email> | reset-password <email> | delete <email> | api-key create --name NAME
// The password comes from a hidden prompt, or from standard input when it is piped; never from the command line,
// where it would land in the shell history and the process list.
import readline from "node:readline";
import { Writable } from "node:stream";
import { z } from "zod";
import { hashPassword, PASSWORD_MIN_LENGTH } from "@/lib/auth/password";
import { deleteAdminSessions } from "@/lib/db/admin-sessions";
import { createAdmin, deleteAdmin, findAdminByEmail, updateAdminPassword } from "@/lib/db/admins";
import { createApiKey, API_KEY_NAME_MAX } from "@/lib/db/api-keys";
import { deleteEmailFailures } from "@/lib/db/login-failures";
import { closeDatabase } from "@/lib/db/migrate";

const USAGE = [
  "Usage: npm run admin -- add <email>",
  "       npm run admin -- reset-password <email>",
  "       npm run admin -- delete <email>",
  "       npm run admin -- api-key create --name NAME",
].join("\n");

async function readPiped(): Promise<string> {
  let text = "";
  for await (const chunk of process.stdin) text += chunk;
  return text.split(/\r?\n/)[0] ?? "";
}

async function prompt(question: string): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk, _encoding, done) {
      if (!muted) process.stdout.write(chunk);
      done();
    },
  });
  const rl = readline.createInterface({ input: process.stdin, output, terminal: true });
  const answer = new Promise<string>((resolve) => rl.question(question, resolve));
  muted = true;
  const value = await answer;
  rl.close();
  process.stdout.write("\n");
  return value;
}

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) return readPiped();
  const first = await prompt("Password: ");
  const second = await prompt("Repeat the password: ");
  if (first !== second) fail("The two passwords differ.");
  return first;
}

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

/** A site API key for scripted deployments: printed once on standard output, nothing else on that stream. */
async function createSiteKey(args: string[]): Promise<void> {
  const [action, flag, rawName, ...rest] = args;
  const name = rawName?.trim() ?? "";
  if (action !== "create" || flag !== "--name" || !name || rest.length > 0) fail(USAGE);
  if (name.length > API_KEY_NAME_MAX) fail(`The name may have at most ${API_KEY_NAME_MAX} characters.`);
  const { key, apiKey } = await createApiKey({ name, createdBy: "npm run admin" });
  console.error(`Site API key "${apiKey.name}" created (${apiKey.prefix}…). It is shown once; store it in the website's configuration now.`);
  console.log(key);
}

async function removeAdmin(email: string): Promise<void> {
  const result = await deleteAdmin({ email });
  if (result === "not_found") fail(`No admin has the email ${email}.`);
  if (result === "last_admin") fail(`${email} is the last admin and cannot be deleted: add another admin first.`);
  console.log(`Admin ${email} deleted; every session of this admin is signed out.`);
}

async function main(): Promise<void> {
  const [command, rawEmail, ...rest] = process.argv.slice(2);
  if (command === "api-key") return createSiteKey(process.argv.slice(3));
  if ((command !== "add" && command !== "reset-password" && command !== "delete") || !rawEmail || rest.length > 0) fail(USAGE);
  const email = z.string().trim().toLowerCase().pipe(z.email()).safeParse(rawEmail);
  if (!email.success) fail(`Not an email address: ${rawEmail}`);
  if (command === "delete") return removeAdmin(email.data);
  const existing = await findAdminByEmail(email.data);
  const exists = existing !== undefined;
  if (command === "add" && exists) fail(`An admin with the email ${email.data} already exists. Use reset-password.`);
  if (command === "reset-password" && !exists) fail(`No admin has the email ${email.data}. Use add.`);

  const password = await readPassword();
  if (password.length < PASSWORD_MIN_LENGTH) fail(`The password must have at least ${PASSWORD_MIN_LENGTH} characters.`);
  const passwordHash = await hashPassword(password);
  if (command === "add") {
    await createAdmin({ email: email.data, passwordHash });
    console.log(`Admin ${email.data} created.`);
  } else {
    await updateAdminPassword({ email: email.data, passwordHash });
    // Whoever knew the old password must not stay signed in, and a lockout someone else caused ends here.
    if (existing) await deleteAdminSessions({ adminId: existing.id });
    await deleteEmailFailures({ email: email.data });
    console.log(`Password of ${email.data} changed; every session of this admin is signed out and failed sign-ins for it are forgotten.`);
  }
}

// Closed at the end, as db-migrate.ts does: PostgreSQL's pool would otherwise keep the process alive until its idle
// connections time out.
main()
  .then(() => closeDatabase())
  .catch((error: unknown) => fail(`admin: ${error instanceof Error ? error.message : String(error)}`));
