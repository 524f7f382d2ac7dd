import "server-only";
import fs from "node:fs";
import path from "node:path";

/**
 * Where the one-time setup link goes when the server starts with no admin. The link makes whoever holds it the
 * first admin, so in production it goes only to an interactive terminal; when standard output is a pipe or a log
 * collector (systemd, docker, a hosting panel) it is written to SETUP_LINK_FILE in the data folder, mode 0600, and
 * only that file's path is printed. Development prints it as it is: that log is the developer's own terminal.
 */
export const SETUP_LINK_FILE = "setup-link.txt";

export function announceSetupLink({
  link,
  isProduction,
  terminal,
  dataDir,
}: {
  link: string;
  isProduction: boolean;
  terminal: boolean;
  dataDir: string;
}): void {
  if (!isProduction || terminal) {
    console.info(`[setup] No admin exists yet. Create the first one within an hour at: ${link}`);
    return;
  }
  const file = path.join(dataDir, SETUP_LINK_FILE);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // A fresh file: an existing one might have been created with a wider mode.
  fs.rmSync(file, { force: true });
  fs.writeFileSync(file, `${link}\n`, { mode: 0o600, flag: "wx" });
  fs.chmodSync(file, 0o600);
  console.info(
    `[setup] No admin exists yet. The one-time setup link (valid for an hour) is in ${file}, readable by this user only. Or set ADMIN_EMAIL and ADMIN_PASSWORD and restart.`,
  );
}

/** Once an admin exists the link is spent: its file goes too. */
export function forgetSetupLink({ dataDir }: { dataDir: string }): void {
  fs.rmSync(path.join(dataDir, SETUP_LINK_FILE), { force: true });
}
