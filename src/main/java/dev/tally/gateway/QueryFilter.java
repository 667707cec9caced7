package dev.tally.gateway;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which of the client's query parameters reach the provider: those named in
 * {@code tally.gateway.forward-query-params}, as the client wrote them. Anything else is dropped
 * (and counted by the caller): a parameter the provider does not document has no business there,
 * and one that changes what the provider does must be a decision, not a pass-through.
 */
final class QueryFilter {

    /** The forwarded query (without {@code ?}, possibly empty) and how many parameters were dropped. */
    record Result(String query, int dropped) {}

    private final Set<String> allowed;

    QueryFilter(List<String> allowed) {
        this.allowed =
                allowed.stream().map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
    }

    Result filter(String raw) {
        StringBuilder kept = new StringBuilder(raw.length());
        int dropped = 0;
        int start = 0;
        while (start <= raw.length()) {
            int end = raw.indexOf('&', start);
            if (end < 0) {
                end = raw.length();
            }
            if (end > start) {
                String pair = raw.substring(start, end);
                int eq = pair.indexOf('=');
                String name = eq < 0 ? pair : pair.substring(0, eq);
                if (allowed.contains(name) && safe(pair)) {
                    if (kept.length() > 0) {
                        kept.append('&');
                    }
                    kept.append(pair);
                } else {
                    dropped++;
                }
            }
            start = end + 1;
        }
        return new Result(kept.toString(), dropped);
    }

    /** Only characters a query may carry unescaped (RFC 3986), so the pair goes on as it came. */
    private static boolean safe(String pair) {
        for (int i = 0; i < pair.length(); i++) {
            char c = pair.charAt(i);
            boolean ok = c >= 'a' && c <= 'z'
                    || c >= 'A' && c <= 'Z'
                    || c >= '0' && c <= '9'
                    || "-._~!$'()*+,;=:@/?%".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
