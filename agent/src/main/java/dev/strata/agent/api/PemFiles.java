package dev.strata.agent.api;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM certificates and PKCS#8 private keys (what openssl and CloudStack's CA write) as in-memory
 * key stores for TLS, without any extra library.
 */
public final class PemFiles {

    private static final Pattern KEY = Pattern.compile("-----BEGIN PRIVATE KEY-----([^-]+)-----END PRIVATE KEY-----");
    private static final char[] NO_PASSWORD = "strata".toCharArray();

    private PemFiles() {
    }

    public static char[] password() {
        return NO_PASSWORD.clone();
    }

    /** A key store with one entry: the private key and its certificate chain. */
    public static KeyStore identity(Path certFile, Path keyFile) {
        try {
            List<Certificate> chain = certificates(certFile);
            if (chain.isEmpty()) {
                throw new IllegalArgumentException(certFile + ": no certificate in it");
            }
            String pem = Files.readString(keyFile, StandardCharsets.US_ASCII);
            Matcher m = KEY.matcher(pem);
            if (!m.find()) {
                throw new IllegalArgumentException(keyFile + ": expected a PKCS#8 PEM private key (BEGIN PRIVATE KEY)");
            }
            byte[] der = Base64.getMimeDecoder().decode(m.group(1));
            PrivateKey key = privateKey(der, keyFile);
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("agent", key, NO_PASSWORD, chain.toArray(Certificate[]::new));
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read TLS identity " + certFile + " / " + keyFile + ": " + e.getMessage(), e);
        }
    }

    /** A trust store holding every certificate of a PEM file (the client CA). */
    public static KeyStore trust(Path caFile) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            int i = 0;
            for (Certificate c : certificates(caFile)) {
                ks.setCertificateEntry("ca" + i++, c);
            }
            if (i == 0) {
                throw new IllegalArgumentException(caFile + ": no certificate in it");
            }
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read trusted CA " + caFile + ": " + e.getMessage(), e);
        }
    }

    private static List<Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        byte[] bytes = Files.readAllBytes(file);
        return new ArrayList<>(CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes)));
    }

    private static PrivateKey privateKey(byte[] der, Path file) throws GeneralSecurityException {
        for (String alg : new String[] {"EC", "RSA", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new GeneralSecurityException(file + ": not an EC, RSA or Ed25519 PKCS#8 key");
    }
}
