package dev.tally.outcomes.review;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DiffLinesTest {

    // old lines 10..16 shown; line 12 replaced, a line inserted before old line 15
    private static final String PATCH = """
            @@ -10,7 +10,8 @@ class Retry {
                 int attempts;
                 long wait;
            -    Duration d = Duration.ofMillis(retryAfter);
            +    Duration d = Duration.ofSeconds(retryAfter);
                 if (d.isNegative()) {
                     return;
            +        // clamp
                 }
                 sleep(d);""";

    @Test
    void aReplacedLineInsideTheRangeChangesIt() {
        assertThat(DiffLines.touches(PATCH, 12, 12)).isTrue();
        assertThat(DiffLines.touches(PATCH, 11, 13)).isTrue();
    }

    @Test
    void linesAroundTheRangeDoNotChangeIt() {
        assertThat(DiffLines.touches(PATCH, 10, 11)).isFalse();
        assertThat(DiffLines.touches(PATCH, 13, 14)).isFalse();
        assertThat(DiffLines.touches(PATCH, 16, 16)).isFalse();
        assertThat(DiffLines.touches(PATCH, 40, 44)).isFalse();
    }

    @Test
    void aLineInsertedBetweenTwoLinesOfTheRangeChangesIt() {
        assertThat(DiffLines.touches(PATCH, 14, 15)).isTrue();
        // inserted before line 15: a one-line comment on 15 keeps its line
        assertThat(DiffLines.touches(PATCH, 15, 15)).isFalse();
    }

    @Test
    void noPatchTellsNothing() {
        assertThat(DiffLines.touches(null, 1, 5)).isFalse();
        assertThat(DiffLines.touches("", 1, 5)).isFalse();
    }
}
