package dev.tally.budget;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Runaway spend by one key or person under a budget: this hour's spend above {@code factor} × its own
 * trailing hourly baseline, or above {@code perHourNanos}; either may be null (not checked).
 * {@code action} {@link Action#PAUSE_KEY} also stops the key until an admin resumes it.
 */
public record SpikeRule(Integer factor, Long perHourNanos, Action action) {

    public enum Action {
        ALERT,
        PAUSE_KEY;

        @JsonValue
        public String json() {
            return JsonNames.of(this);
        }

        static Action parse(String s) {
            return JsonNames.parse(values(), s);
        }
    }
}
