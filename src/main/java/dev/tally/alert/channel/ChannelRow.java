package dev.tally.alert.channel;

import java.util.List;
import java.util.UUID;

import io.quarkus.qute.TemplateData;

/**
 * A channel as the Alerts page lists it: where it delivers ({@link ChannelView#destination()}: a Slack
 * or webhook URL by its scheme and host only, never the URL or the secret; an e-mail channel by its
 * addresses), the budgets that send their alerts to it, and how its latest delivery went.
 *
 * @param kind        what the receiver is, in words: "Slack", "Webhook (signed)", "E-mail"
 * @param destination {@link ChannelView#destination()}
 * @param budgets     the names of the budgets whose {@code channelIds} name it (for a team lead, of those
 *                    they read)
 * @param last        its delivery of the newest alert the page lists that went to it, else null
 */
@TemplateData
public record ChannelRow(
        UUID id,
        String name,
        String type,
        String kind,
        String destination,
        boolean digest,
        List<String> budgets,
        DeliveryViews.Delivery last) {

    static ChannelRow of(ChannelView c, List<String> budgets) {
        return new ChannelRow(
                c.id(), c.name(), c.type(), c.kind(), c.destination(), c.digest(), List.copyOf(budgets), null);
    }

    ChannelRow withLast(DeliveryViews.Delivery delivery) {
        return new ChannelRow(id, name, type, kind, destination, digest, budgets, delivery);
    }
}
