package dev.tally.alert.channel;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

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
}
