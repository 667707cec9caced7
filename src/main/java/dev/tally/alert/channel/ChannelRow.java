package dev.tally.alert.channel;

import java.util.List;
import java.util.UUID;

import io.quarkus.qute.TemplateData;

/**
 * A channel as the Alerts page lists it: where it delivers shown as the API shows it (a Slack or
 * webhook URL by its scheme and host only, never the URL or the secret; an e-mail channel by its
 * addresses), and the budgets that send their alerts to it.
 *
 * @param kind        what the receiver is, in words: "Slack", "Webhook (signed)", "E-mail"
 * @param destination {@link ChannelView#urlHint()} or the addresses
 * @param budgets     the names of the budgets whose {@code channelIds} name it
 */
@TemplateData
public record ChannelRow(
        UUID id, String name, String type, String kind, String destination, boolean digest, List<String> budgets) {

    static ChannelRow of(ChannelView c, List<String> budgets) {
        String kind = switch (ChannelType.parse(c.type())) {
            case SLACK -> "Slack";
            case WEBHOOK -> c.hasSecret() ? "Webhook (signed)" : "Webhook";
            case EMAIL -> "E-mail";
        };
        String destination = c.to() != null ? String.join(", ", c.to()) : c.urlHint();
        return new ChannelRow(c.id(), c.name(), c.type(), kind, destination, c.digest(), List.copyOf(budgets));
    }
}
