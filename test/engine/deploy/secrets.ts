// Pulumi's passphrase secrets manager (pkg/secrets/passphrase, sdk/go/common/resource/config/crypt.go):
// AES-256-GCM under a key derived with PBKDF2-SHA256 (1,000,000 rounds) from the passphrase and an 8-byte
// salt. Ciphertexts read "v1:<base64 nonce>:<base64 ciphertext+tag>"; the stack's state records the salt
// with "pulumi" encrypted under it, so a wrong passphrase is detected. Secrets in the state file hold the
// JSON text of their value, encrypted, exactly as the CLI writes them.
import { createCipheriv, createDecipheriv, pbkdf2Sync, randomBytes } from "node:crypto";

export interface SecretsProviderState {
  type: "passphrase";
  state: { salt: string };
}

export class PassphraseCrypter {
  private key: Buffer | undefined;

  private constructor(
    private readonly passphrase: string,
    private readonly salt: Buffer,
  ) {}

  /** A new secrets provider with a fresh salt (what `pulumi stack init` does). */
  static create(passphrase: string): { crypter: PassphraseCrypter; state: SecretsProviderState } {
    const salt = randomBytes(8);
    const crypter = new PassphraseCrypter(passphrase, salt);
    return { crypter, state: { type: "passphrase", state: { salt: `v1:${salt.toString("base64")}:${crypter.encrypt("pulumi")}` } } };
  }

  /** The secrets provider a state file names; fails as the CLI does when the passphrase is wrong. */
  static fromState(passphrase: string, provider: SecretsProviderState): PassphraseCrypter {
    const [version, salt, ...check] = provider.state.salt.split(":");
    if (version !== "v1" || salt === undefined) throw new Error(`unsupported passphrase salt ${provider.state.salt}`);
    const crypter = new PassphraseCrypter(passphrase, Buffer.from(salt, "base64"));
    if (crypter.decrypt(check.join(":")) !== "pulumi") throw new Error("incorrect passphrase");
    return crypter;
  }

  encrypt(plaintext: string): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.derivedKey(), nonce);
    const sealed = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
    return `v1:${nonce.toString("base64")}:${sealed.toString("base64")}`;
  }

  decrypt(ciphertext: string): string {
    const [version, nonce, sealed] = ciphertext.split(":");
    if (version !== "v1" || nonce === undefined || sealed === undefined) throw new Error("bad value: not a v1 ciphertext");
    const bytes = Buffer.from(sealed, "base64");
    const decipher = createDecipheriv("aes-256-gcm", this.derivedKey(), Buffer.from(nonce, "base64"));
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString("utf8");
  }

  private derivedKey(): Buffer {
    this.key ??= pbkdf2Sync(this.passphrase, this.salt, 1_000_000, 32, "sha256");
    return this.key;
  }
}
