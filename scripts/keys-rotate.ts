// npm run keys:rotate: re-encrypts every stored secret under ENCRYPTION_KEY, accepting ENCRYPTION_KEYS_PREVIOUS.
// Rotation: put the new key in ENCRYPTION_KEY and the old one in ENCRYPTION_KEYS_PREVIOUS, run this, restart,
// then drop the old key from ENCRYPTION_KEYS_PREVIOUS.
import { DecryptionError, rotateEncryptionKeys } from "@/lib/db/secret-columns";

rotateEncryptionKeys().then(
  (report) =>
    console.log(
      `Re-encrypted ${report.reencrypted} of ${report.values} stored secrets under the current key (${report.alreadyCurrent} already were).`,
    ),
  (error: unknown) => {
    if (error instanceof DecryptionError) {
      console.error("No configured key decrypts a stored secret: nothing was changed. Add the key it was saved with to ENCRYPTION_KEYS_PREVIOUS.");
      process.exit(1);
    }
    throw error;
  },
);
