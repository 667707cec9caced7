package dev.tally.alert.channel;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import dev.tally.platform.ApiException;

/** Where a channel delivers: its API name is the lower-case constant. */
public enum ChannelType {
    SLACK,
    WEBHOOK,
    EMAIL;

    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses an API value; anything else is a 400 that lists the valid values. */
    public static ChannelType parse(String value) {
        for (ChannelType t : values()) {
            if (t.apiName().equals(value)) {
                return t;
            }
        }
        throw ApiException.badRequest("type: must be one of "
                + Arrays.stream(values()).map(ChannelType::apiName).collect(Collectors.joining(", "))
                + (value == null ? "" : " (got '" + value + "')"));
    }
}
