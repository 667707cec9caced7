package dev.tally.alert.channel;

import java.util.List;
import java.util.UUID;

/** A channel with its opened URL and secret, for sending only: never returned by the API or logged. */
public record Channel(
        UUID id, ChannelType type, String name, String url, String secret, List<String> to, boolean digest) {

    @Override
    public String toString() {
        return "Channel[" + id + ", " + type.apiName() + ", " + name + "]"; // never the URL or the secret
    }
}
