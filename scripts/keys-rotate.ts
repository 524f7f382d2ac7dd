// npm run keys:rotate: re-encrypts every stored secret under ENCRYPTION_KEY, accepting ENCRYPTION_KEYS_PREVIOUS.
// Rotation, in this order (docs/SECURITY.md): stop every server; put the new key in ENCRYPTION_KEY and the old one in
// ENCRYPTION_KEYS_PREVIOUS; run this; start the server with both; then `npm run keys:rotate -- --check`, and drop the
// old key only when it reports nothing left under an older key. A server still running with the old key would keep
// sealing new tokens under it, which dropping that key would strand, so the rotation refuses while one runs.
// `--check` changes nothing (it may run beside the server) and exits 1 while any secret is under an older key.
import { closeDatabase } from "@/lib/db/migrate";
import { DecryptionError, inspectEncryptionKeys, rotateEncryptionKeys, ServerRunningError } from "@/lib/db/secret-columns";

async function check(): Promise<void> {
  const usage = await inspectEncryptionKeys();
  if (usage.underPreviousKeys === 0) {
    console.log(`Nothing left to re-encrypt: all ${usage.values} stored secrets are under the current key. ENCRYPTION_KEYS_PREVIOUS may be emptied now.`);
    return;
  }
  console.error(
    `${usage.underPreviousKeys} of ${usage.values} stored secrets are still under an older key: keep ENCRYPTION_KEYS_PREVIOUS, stop the server and run npm run keys:rotate.`,
  );
  process.exitCode = 1;
}

async function rotate(): Promise<void> {
  const report = await rotateEncryptionKeys();
  console.log(`Re-encrypted ${report.reencrypted} of ${report.values} stored secrets under the current key (${report.alreadyCurrent} already were).`);
  if (report.reencrypted > 0) {
    console.log(
      "Keep the old key in ENCRYPTION_KEYS_PREVIOUS for now: start the server with the new ENCRYPTION_KEY, run npm run keys:rotate -- --check, and remove the old key only when it reports nothing left to re-encrypt.",
    );
  } else {
    console.log("Nothing left to re-encrypt: ENCRYPTION_KEYS_PREVIOUS may be emptied now.");
  }
}

const args = process.argv.slice(2);
if (args.some((arg) => arg !== "--check")) {
  console.error("Usage: npm run keys:rotate [-- --check]");
  process.exit(2);
}

// Closed at the end, as db-migrate.ts does: PostgreSQL's pool would otherwise keep the process alive until its idle
// connections time out.
(args.includes("--check") ? check() : rotate())
  .then(() => closeDatabase())
  .catch((error: unknown) => {
  if (error instanceof ServerRunningError) {
    console.error(`A server is running on this database (${error.leaseNames.join(", ")}): nothing was changed. Stop every server first, rotate, then start them with the new key.`);
    process.exit(1);
  }
  if (error instanceof DecryptionError) {
    console.error("No configured key decrypts a stored secret: nothing was changed. Add the key it was saved with to ENCRYPTION_KEYS_PREVIOUS.");
    process.exit(1);
  }
  throw error;
});
