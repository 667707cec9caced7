package dev.tally.identity;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The key hash is plain SHA-256 hex, and the digest each thread reuses starts afresh for every key. */
class ApiKeysHashTest {

    @Test
    void theHashIsSha256HexAndDoesNotCarryOverFromTheKeyBefore() {
        String abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"; // FIPS 180-2, "abc"
        assertThat(ApiKeys.sha256Hex("abc")).isEqualTo(abc);
        assertThat(ApiKeys.sha256Hex("abc")).isEqualTo(abc);
        String key = ApiKeys.generate();
        String first = ApiKeys.sha256Hex(key);
        ApiKeys.sha256Hex("something else");
        assertThat(ApiKeys.sha256Hex(key)).isEqualTo(first).hasSize(64).isNotEqualTo(abc);
    }
}
