package dev.tally.alert.channel;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A channel as the API shows it: never its URL (a Slack webhook URL is a credential) or its secret,
 * only {@code urlHint} (scheme and host) and whether it has a secret.
 *
 * @param secret only in the answer to a create that generated the webhook's secret: shown once
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChannelView(
        UUID id,
        String type,
        String name,
        String urlHint,
        boolean hasSecret,
        List<String> to,
        boolean digest,
        Instant createdAt,
        String secret) {

    ChannelView withSecret(String generated) {
        return new ChannelView(id, type, name, urlHint, hasSecret, to, digest, createdAt, generated);
    }

    /** What the receiver is, in words: "Slack", "Webhook (signed)", "Webhook", "E-mail". */
    @JsonIgnore
    public String kind() {
        return switch (ChannelType.parse(type)) {
            case SLACK -> "Slack";
            case WEBHOOK -> hasSecret ? "Webhook (signed)" : "Webhook";
            case EMAIL -> "E-mail";
        };
    }

    /**
     * Where the channel delivers, in the form every role that may pick it sees: a Slack or webhook URL
     * by its {@link #urlHint} (scheme and host, e.g. {@code https://hooks.slack.com/…}), never its path,
     * query or token; an e-mail channel by its addresses, in full (company addresses: who gets a team's
     * alerts is what a team lead picking the channel needs to know). Derived from what the row stores
     * in the clear, so showing it never opens the sealed URL.
     */
    @JsonIgnore
    public String destination() {
        return destination(Integer.MAX_VALUE);
    }

    /** {@link #destination()} with at most {@code addresses} addresses and how many more (a picker's line). */
    public String destination(int addresses) {
        if (to == null) {
            return urlHint;
        }
        if (to.size() <= addresses) {
            return String.join(", ", to);
        }
        return String.join(", ", to.subList(0, addresses)) + " and " + (to.size() - addresses) + " more";
    }
}
