package dev.tally.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Only the canonical spelling of a UUID is an id: one string per id, one id per string. */
class IdsTest {

    @Test
    void theCanonicalFormIsReadInEitherCase() {
        UUID id = UUID.randomUUID();
        assertThat(Ids.canonical(id.toString())).isEqualTo(id);
        assertThat(Ids.canonical(id.toString().toUpperCase())).isEqualTo(id);
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(
            strings = {
                // UUID.fromString reads these three as 00000001-0001-0001-0001-000000000001 and the like
                "1-1-1-1-1",
                "+1234567-1234-1234-1234-123456789012",
                "00000001-0001-0001-0001-00000000001",
                // a digit that is not ASCII (Character.digit would take it: ARABIC-INDIC THREE)
                "\u0663bcdef01-2345-6789-abcd-ef0123456789",
                "abcdef0123-45-6789-abcd-ef0123456789",
                "abcdef01-2345-6789-abcd-ef01234567890",
                "abcdef01_2345_6789_abcd_ef0123456789",
                "gbcdef01-2345-6789-abcd-ef0123456789",
                ""
            })
    void anyOtherSpellingIsNotAnId(String s) {
        assertThat(Ids.canonical(s)).isNull();
    }

    @Test
    void nullIsNotAnId() {
        assertThat(Ids.canonical(null)).isNull();
    }
}
