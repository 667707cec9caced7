package dev.tally.outcomes.mapping;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Repository → team rules: a pattern is an exact {@code owner/name} or a glob where {@code *} matches
 * any run of characters; matching ignores case. When several match, the most specific (most literal
 * characters) wins, so {@code acme/payments-*} beats {@code acme/*}; on a tie the earlier rule wins.
 */
public final class RepoPatterns<T> {

    public record Rule<T>(String pattern, T target) {}

    private record Compiled<T>(Rule<T> rule, Pattern regex, int literals, int order) {}

    private final List<Compiled<T>> rules;

    public RepoPatterns(List<Rule<T>> rules) {
        var out = new ArrayList<Compiled<T>>();
        for (int i = 0; i < rules.size(); i++) {
            Rule<T> r = rules.get(i);
            out.add(new Compiled<>(r, compile(r.pattern()), literals(r.pattern()), i));
        }
        this.rules = List.copyOf(out);
    }

    public Optional<T> match(String repo) {
        if (repo == null || repo.isBlank()) {
            return Optional.empty();
        }
        String r = repo.strip().toLowerCase(Locale.ROOT);
        return rules.stream()
                .filter(c -> c.regex().matcher(r).matches())
                .min(Comparator.comparingInt((Compiled<T> c) -> -c.literals()).thenComparingInt(Compiled::order))
                .map(c -> c.rule().target());
    }

    /** Lower-cases and trims; a pattern is stored and compared in this form. */
    public static String normalize(String pattern) {
        return pattern == null ? null : pattern.strip().toLowerCase(Locale.ROOT);
    }

    /** Why a pattern is unusable, or null when it is fine. */
    public static String problem(String pattern) {
        if (pattern == null || pattern.isBlank()) {
            return "pattern is empty";
        }
        if (pattern.strip().chars().anyMatch(Character::isWhitespace)) {
            return "pattern '" + pattern + "' contains whitespace";
        }
        if (literals(pattern) == 0) {
            return "pattern '" + pattern + "' has no literal characters (it would match every repository)";
        }
        return null;
    }

    static Pattern compile(String pattern) {
        String[] parts = normalize(pattern).split("\\*", -1);
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                re.append(".*");
            }
            re.append(Pattern.quote(parts[i]));
        }
        return Pattern.compile(re.toString());
    }

    private static int literals(String pattern) {
        return (int) normalize(pattern).chars().filter(ch -> ch != '*').count();
    }
}
