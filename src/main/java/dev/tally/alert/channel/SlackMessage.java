package dev.tally.alert.channel;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A {@link Notice} as a Slack incoming-webhook payload: Block Kit blocks (header, summary, fields, one
 * section per list, a button to the page) and {@code text} as the notification fallback. Slack's
 * limits are respected: 150 characters in a header, 10 fields, 3000 characters in a text object.
 */
final class SlackMessage {

    private static final int HEADER_MAX = 150;
    private static final int FIELDS_MAX = 10;
    private static final int TEXT_MAX = 3000;

    private SlackMessage() {}

    static String json(Notice n, ObjectMapper mapper) {
        ObjectNode root = mapper.createObjectNode();
        root.put("text", cut(n.title() + " — " + n.summary(), TEXT_MAX));
        ArrayNode blocks = root.putArray("blocks");
        ObjectNode header = blocks.addObject().put("type", "header");
        header.putObject("text").put("type", "plain_text").put("text", cut(n.title(), HEADER_MAX));
        section(blocks, escape(n.summary()));
        if (!n.fields().isEmpty()) {
            ArrayNode fields = blocks.addObject().put("type", "section").putArray("fields");
            n.fields().stream()
                    .limit(FIELDS_MAX)
                    .forEach(f -> fields.addObject()
                            .put("type", "mrkdwn")
                            .put("text", cut("*" + escape(f.label()) + "*\n" + escape(f.value()), 2000)));
        }
        for (Notice.Section s : n.sections()) {
            StringBuilder text =
                    new StringBuilder("*").append(escape(s.heading())).append("*");
            for (String line : s.lines()) {
                text.append("\n• ").append(escape(line));
            }
            section(blocks, text.toString());
        }
        if (n.link() != null) {
            ObjectNode button = blocks.addObject()
                    .put("type", "actions")
                    .putArray("elements")
                    .addObject();
            button.put("type", "button").put("url", n.link());
            button.putObject("text").put("type", "plain_text").put("text", n.linkText());
        }
        if (n.footer() != null) {
            blocks.addObject()
                    .put("type", "context")
                    .putArray("elements")
                    .addObject()
                    .put("type", "mrkdwn")
                    .put("text", cut(escape(n.footer()), TEXT_MAX));
        }
        return root.toString();
    }

    private static void section(ArrayNode blocks, String mrkdwn) {
        blocks.addObject()
                .put("type", "section")
                .putObject("text")
                .put("type", "mrkdwn")
                .put("text", cut(mrkdwn, TEXT_MAX));
    }

    /** Slack reads &amp;, &lt; and &gt; as control characters in mrkdwn: a team name must not become a link. */
    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
