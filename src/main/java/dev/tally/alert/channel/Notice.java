package dev.tally.alert.channel;

import java.util.List;

/**
 * What a person reads, whatever the channel: Slack renders it as Block Kit ({@link SlackMessage}),
 * e-mail as plain text ({@link EmailMessage}).
 *
 * @param fields   short label/value pairs (Slack shows them two by two)
 * @param sections longer lists under a heading (the digest's tables)
 * @param link     absolute URL of the page to open, or null
 */
public record Notice(
        String title,
        String summary,
        List<Field> fields,
        List<Section> sections,
        String link,
        String linkText,
        String footer) {

    public record Field(String label, String value) {}

    public record Section(String heading, List<String> lines) {}
}
