package dev.strata.builder.format;

/**
 * Digests of one published file.
 *
 * @param fileName bare name inside the folder
 * @param size     bytes read
 * @param md5      lower-case hex
 * @param sha512   lower-case hex
 */
public record FileDigest(String fileName, long size, String md5, String sha512) {
}
