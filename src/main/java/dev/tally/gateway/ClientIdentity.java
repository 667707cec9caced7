package dev.tally.gateway;

/**
 * The client behind a call, as its {@code User-Agent} names it: the usage event's {@code client}.
 * Only the family is kept, lower case, without version or comments, so that a rollup by client
 * stays small: {@code claude-cli/2.1.332 (external, cli)} is {@code claude-cli},
 * {@code Anthropic/JS 0.39.0} is {@code anthropic/js}, {@code OpenAI/Python 1.50.0} is
 * {@code openai/python}, {@code curl/8.5.0} is {@code curl}.
 *
 * <p>Naming the tool (Claude Code, the Anthropic SDK for TypeScript, …) from this and the other
 * identity headers ({@code x-app}, {@code x-stainless-lang}) is client detection, issue 14's; it
 * reads the same request here, at the end of the call.
 */
public final class ClientIdentity {

    /** Longest family kept; longer ones are cut (a user agent is the client's to choose). */
    static final int MAX_LENGTH = 40;

    private ClientIdentity() {
    }

    /** The family of a {@code User-Agent} value, or null when there is none or nothing usable in it. */
    public static String family(String userAgent) {
        if (userAgent == null) {
            return null;
        }
        int n = userAgent.length();
        int i = 0;
        while (i < n && userAgent.charAt(i) == ' ') {
            i++;
        }
        StringBuilder out = new StringBuilder(Math.min(MAX_LENGTH, n - i));
        boolean afterSlash = false;
        for (; i < n && out.length() < MAX_LENGTH; i++) {
            char c = userAgent.charAt(i);
            if (c == ' ' || c == '(' || c == ';' || c == ',') {
                break; // the first product token only
            }
            if (afterSlash && (c >= '0' && c <= '9' || c == 'v' && i + 1 < n && isDigit(userAgent.charAt(i + 1)))) {
                out.setLength(out.length() - 1); // "name/2.1" or "name/v2": a version, not part of the family
                break;
            }
            afterSlash = c == '/';
            if (c >= 'A' && c <= 'Z') {
                out.append((char) (c + ('a' - 'A')));
            } else if (c >= 'a' && c <= 'z' || isDigit(c) || c == '.' || c == '_' || c == '-' || c == '/') {
                out.append(c);
            }
            // anything else (quotes, control characters, non-ASCII) is dropped
        }
        while (out.length() > 0 && out.charAt(out.length() - 1) == '/') {
            out.setLength(out.length() - 1);
        }
        return out.length() == 0 ? null : out.toString();
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
