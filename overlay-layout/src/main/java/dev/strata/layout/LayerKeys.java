package dev.strata.layout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

/**
 * Ed25519 key files for signing layers: {@code NAME.key} (PKCS#8, base64, mode 0600) and
 * {@code NAME.pub} (X.509, base64). The root image trusts the {@code *.pub} files of one folder.
 */
public final class LayerKeys {

    private LayerKeys() {
    }

    /** Writes a new pair; the private file is made 0600 before the key is written into it. */
    public static KeyPair generate(Path prefix) {
        try {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            Path priv = Path.of(prefix + ".key");
            Path tmp = Path.of(prefix + ".key.tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()) + "\n");
            Files.writeString(publicFile(prefix), publicText(pair.getPublic()));
            Files.move(tmp, priv, StandardCopyOption.ATOMIC_MOVE);
            return pair;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no Ed25519: " + e.getMessage(), e);
        }
    }

    public static Path publicFile(Path prefix) {
        return Path.of(prefix + ".pub");
    }

    public static String publicText(PublicKey key) {
        return Base64.getEncoder().encodeToString(key.getEncoded()) + "\n";
    }

    public static PrivateKey readPrivate(Path file) {
        try {
            byte[] der = Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).strip());
            return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new LayerException("cannot read the Ed25519 private key " + file + ": " + e.getMessage(), e);
        }
    }

    public static PublicKey readPublic(Path file) {
        try {
            byte[] der = Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).strip());
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new LayerException("cannot read the Ed25519 public key " + file + ": " + e.getMessage(), e);
        }
    }

    /** The public key that belongs to a private key file: {@code NAME.pub} beside {@code NAME.key}. */
    public static PublicKey publicOf(Path privateKeyFile) {
        String name = privateKeyFile.getFileName().toString();
        String base = name.endsWith(".key") ? name.substring(0, name.length() - 4) : name;
        return readPublic(privateKeyFile.resolveSibling(base + ".pub"));
    }

    /** Every {@code *.pub} in a folder, in name order; an absent folder trusts nothing. */
    public static List<PublicKey> readTrusted(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<PublicKey> keys = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".pub")).sorted().toList()) {
                keys.add(readPublic(f));
            }
        } catch (IOException e) {
            throw new LayerException("cannot read trusted keys in " + dir + ": " + e.getMessage(), e);
        }
        return keys;
    }
}
