package dev.tally.alert.channel;

import java.util.List;

import io.quarkus.qute.TemplateData;

/**
 * What the Alerts page shows an admin beside the channel list: the new-channel form, or one channel's
 * form for an edit (the values submitted, for a refused one), or the question before a delete.
 *
 * @param editing       the stored channel an edit changes (its name and where it delivers now), null
 *                      for a new one
 * @param error         the API's message for a refused form (it names the field), else null
 * @param confirmDelete the channel a delete asks about, else null
 */
@TemplateData
public record ChannelEditor(
        ChannelForm form,
        ChannelRow editing,
        String error,
        List<Option> types,
        ChannelRow confirmDelete,
        String csrfField,
        String csrfToken) {

    /** One choice of the type select. */
    @TemplateData
    public record Option(String value, String label, boolean selected) {}

    static ChannelEditor of(
            ChannelForm form,
            ChannelRow editing,
            String error,
            ChannelRow confirmDelete,
            String csrfField,
            String csrfToken) {
        String type = form.type();
        return new ChannelEditor(
                form,
                editing,
                error,
                List.of(
                        new Option("slack", "Slack — a channel's incoming webhook", "slack".equals(type)),
                        new Option("email", "E-mail — one or more addresses", "email".equals(type)),
                        new Option("webhook", "Webhook — your own system, signed", "webhook".equals(type))),
                confirmDelete,
                csrfField,
                csrfToken);
    }

    /** Where the form posts: {@code /alerts/channels}, or {@code /alerts/channels/<id>} for an edit. */
    public String action() {
        return editing == null ? "/alerts/channels" : "/alerts/channels/" + editing.id();
    }

    /** The picked type in words (an edit shows it, it cannot change). */
    public String typeLabel() {
        return types.stream()
                .filter(Option::selected)
                .map(Option::label)
                .findFirst()
                .orElse(form.type());
    }

    /** Whether the form has a URL field: a new channel's (any type may be picked) or a Slack or webhook edit. */
    public boolean urlField() {
        return editing == null || !"email".equals(editing.type());
    }

    public boolean secretField() {
        return editing == null || "webhook".equals(editing.type());
    }

    public boolean toField() {
        return editing == null || "email".equals(editing.type());
    }
}
