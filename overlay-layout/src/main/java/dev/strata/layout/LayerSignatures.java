package dev.strata.layout;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.List;

/**
 * Ed25519 signatures over a layer's manifest bytes (the JDK has Ed25519 since 15, so no library).
 * The manifest carries the content digest, so a valid signature covers the whole layer.
 */
public final class LayerSignatures {

    private LayerSignatures() {
    }

    public static byte[] sign(LayerManifest manifest, PrivateKey key) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key);
            s.update(manifest.toBytes());
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot sign the layer manifest: " + e.getMessage(), e);
        }
    }

    /** True when one of the trusted keys made this signature over exactly these manifest bytes. */
    public static boolean verify(byte[] manifestBytes, byte[] signature, List<PublicKey> trusted) {
        for (PublicKey key : trusted) {
            try {
                Signature s = Signature.getInstance("Ed25519");
                s.initVerify(key);
                s.update(manifestBytes);
                if (s.verify(signature)) {
                    return true;
                }
            } catch (GeneralSecurityException e) {
                // a malformed signature or a key of another kind: not trusted, try the next key
            }
        }
        return false;
    }
}
