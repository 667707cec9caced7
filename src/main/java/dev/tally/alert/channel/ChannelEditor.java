package dev.tally.alert.channel;

import java.util.List;

import io.quarkus.qute.TemplateData;

/**
 * What the Alerts page shows an admin beside the channel list: the new-channel form (the values
 * submitted, for a refused one), or the question before a delete.
 *
 * @param error         the API's message for a refused form (it names the field), else null
 * @param confirmDelete the channel a delete asks about, else null
 */
@TemplateData
public record ChannelEditor(
        ChannelForm form,
        String error,
        List<Option> types,
        ChannelRow confirmDelete,
        String csrfField,
        String csrfToken) {

    /** One choice of the type select. */
    @TemplateData
    public record Option(String value, String label, boolean selected) {}

    static ChannelEditor of(
            ChannelForm form, String error, ChannelRow confirmDelete, String csrfField, String csrfToken) {
        String type = form.type();
        return new ChannelEditor(
                form,
                error,
                List.of(
                        new Option("slack", "Slack — a channel's incoming webhook", "slack".equals(type)),
                        new Option("email", "E-mail — one or more addresses", "email".equals(type)),
                        new Option("webhook", "Webhook — your own system, signed", "webhook".equals(type))),
                confirmDelete,
                csrfField,
                csrfToken);
    }
}
