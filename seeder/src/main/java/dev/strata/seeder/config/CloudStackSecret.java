package dev.strata.seeder.config;

import dev.strata.seeder.SeedException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.PBEParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Decrypts {@code ENC(...)} values of CloudStack's db.properties with the management server key.
 *
 * <p>CloudStack's CloudStackEncryptor (no version pinned, as DbProperties uses it) tries its two
 * formats in turn, and so does this class, with the JDK's own ciphers:
 * <ul>
 *   <li>V2 (AeadBase64Encryptor, Tink's AesGcmJce): key = SHA-256 of the secret's UTF-8 bytes,
 *       AES-256-GCM, value = base64(12-byte IV || ciphertext || 16-byte tag), no associated data.</li>
 *   <li>V1 (LegacyBase64Encryptor, Jasypt StandardPBEStringEncryptor defaults):
 *       PBEWithMD5AndDES, 1000 key-obtention iterations, value = base64(8-byte salt || ciphertext).</li>
 * </ul>
 */
public final class CloudStackSecret {

    private static final int GCM_IV = 12;
    private static final int GCM_TAG_BITS = 128;
    private static final int JASYPT_SALT = 8;
    private static final int JASYPT_ITERATIONS = 1000;

    private CloudStackSecret() {
    }

    /** True for {@code ENC(...)}, the marker DbProperties looks for. */
    public static boolean isEncrypted(String value) {
        return value != null && value.startsWith("ENC(") && value.endsWith(")");
    }

    /** The plain text of an {@code ENC(...)} value (or of the bare base64 inside it). */
    public static String decrypt(String value, String secretKey) {
        String inner = isEncrypted(value) ? value.substring(4, value.length() - 1) : value;
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(inner.strip());
        } catch (IllegalArgumentException e) {
            throw new SeedException(SeedException.Kind.CONFIG, "encrypted db.properties value is not base64");
        }
        try {
            return decryptV2(raw, secretKey);
        } catch (GeneralSecurityException v2Failed) {
            try {
                return decryptV1(raw, secretKey);
            } catch (GeneralSecurityException v1Failed) {
                throw new SeedException(SeedException.Kind.CONFIG, "cannot decrypt the database password with the "
                        + "management server key (tried AES-GCM and PBEWithMD5AndDES): wrong key file, or "
                        + "CLOUD_SECRET_KEY does not match the key db.properties was encrypted with");
            }
        }
    }

    static String decryptV2(byte[] raw, String secretKey) throws GeneralSecurityException {
        if (raw.length < GCM_IV + GCM_TAG_BITS / 8) {
            throw new GeneralSecurityException("too short for AES-GCM");
        }
        byte[] key = MessageDigest.getInstance("SHA-256").digest(secretKey.getBytes(StandardCharsets.UTF_8));
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(GCM_TAG_BITS, raw, 0, GCM_IV));
        return new String(c.doFinal(raw, GCM_IV, raw.length - GCM_IV), StandardCharsets.UTF_8);
    }

    static String decryptV1(byte[] raw, String secretKey) throws GeneralSecurityException {
        if (raw.length <= JASYPT_SALT || (raw.length - JASYPT_SALT) % 8 != 0) {
            throw new GeneralSecurityException("not a Jasypt PBEWithMD5AndDES value");
        }
        byte[] salt = Arrays.copyOf(raw, JASYPT_SALT);
        Cipher c = Cipher.getInstance("PBEWithMD5AndDES");
        c.init(Cipher.DECRYPT_MODE, pbeKey(secretKey), new PBEParameterSpec(salt, JASYPT_ITERATIONS));
        return new String(c.doFinal(raw, JASYPT_SALT, raw.length - JASYPT_SALT), StandardCharsets.UTF_8);
    }

    /** V2 encryption, for tests and for writing a db.properties (cloudstack-setup-databases does this). */
    public static String encryptV2(String plain, String secretKey, byte[] iv) throws GeneralSecurityException {
        byte[] key = MessageDigest.getInstance("SHA-256").digest(secretKey.getBytes(StandardCharsets.UTF_8));
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(GCM_TAG_BITS, iv));
        byte[] ct = c.doFinal(plain.getBytes(StandardCharsets.UTF_8));
        byte[] out = new byte[iv.length + ct.length];
        System.arraycopy(iv, 0, out, 0, iv.length);
        System.arraycopy(ct, 0, out, iv.length, ct.length);
        return Base64.getEncoder().encodeToString(out);
    }

    /** V1 (Jasypt) encryption, for tests. */
    public static String encryptV1(String plain, String secretKey, byte[] salt) throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("PBEWithMD5AndDES");
        c.init(Cipher.ENCRYPT_MODE, pbeKey(secretKey), new PBEParameterSpec(salt, JASYPT_ITERATIONS));
        byte[] ct = c.doFinal(plain.getBytes(StandardCharsets.UTF_8));
        byte[] out = new byte[salt.length + ct.length];
        System.arraycopy(salt, 0, out, 0, salt.length);
        System.arraycopy(ct, 0, out, salt.length, ct.length);
        return Base64.getEncoder().encodeToString(out);
    }

    private static SecretKey pbeKey(String secretKey) throws GeneralSecurityException {
        return SecretKeyFactory.getInstance("PBEWithMD5AndDES").generateSecret(new PBEKeySpec(secretKey.toCharArray()));
    }
}
