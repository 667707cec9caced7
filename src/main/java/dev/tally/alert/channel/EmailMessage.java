package dev.tally.alert.channel;

/** A {@link Notice} as a plain-text e-mail: what every mail client shows the same way. */
final class EmailMessage {

    private EmailMessage() {}

    static String subject(Notice n) {
        return "[Tally] " + n.title();
    }

    static String text(Notice n) {
        StringBuilder b = new StringBuilder(n.summary()).append("\n\n");
        for (Notice.Field f : n.fields()) {
            b.append(f.label()).append(": ").append(f.value()).append('\n');
        }
        for (Notice.Section s : n.sections()) {
            b.append('\n').append(s.heading()).append('\n');
            for (String line : s.lines()) {
                b.append("  - ").append(line).append('\n');
            }
        }
        if (n.link() != null) {
            b.append('\n').append(n.linkText()).append(": ").append(n.link()).append('\n');
        }
        if (n.footer() != null) {
            b.append("\n-- \n").append(n.footer()).append('\n');
        }
        return b.toString();
    }
}
