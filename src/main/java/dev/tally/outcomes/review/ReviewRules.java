package dev.tally.outcomes.review;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.tally.workload.WorkloadNames;

/**
 * Which review comments by AI reviewers are findings: the rules of {@code outcomes/reviewers.yaml}
 * (or the file {@code tally.outcomes.reviews.rules-file} names), compiled. See that file for the
 * order in which a comment is read. Evidence, never keywords alone: a reviewer's own structure
 * (CodeRabbit's potential-issue tag, Greptile's priority badge, Bugbot's bug id and severity line)
 * decides where it has one; plain words count only as whole words or phrases that no negation covers.
 */
public final class ReviewRules {

    public static final String RESOURCE = "outcomes/reviewers.yaml";
    public static final String AI_REVIEWER = "ai-reviewer:";
    public static final String REVIEWER = "reviewer:";
    public static final String FINDING = "finding:";

    private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.MULTILINE;
    /** Words that, earlier in the same clause, turn a marker into its denial ("no bugs", "not a security issue"). */
    private static final Pattern NEGATOR =
            Pattern.compile("(?<![\\p{L}\\p{N}])(?:no|not|without|nothing|never|zero|none)(?![\\p{L}\\p{N}])", FLAGS);

    private static final Pattern CLAUSE_END = Pattern.compile("[.!?;:\\n]");

    /** What an inline comment of a reviewer is when no pattern decides. */
    public enum Otherwise {
        FINDING,
        MARKERS,
        NONE
    }

    /**
     * A reviewer as configured: its key in the file (used in evidence), display name and logins;
     * {@code workload}: the workload its findings count for (docs/workloads.md), or null.
     */
    public record Reviewer(
            String key,
            String name,
            Set<String> logins,
            Map<String, Pattern> notFinding,
            Map<String, Pattern> finding,
            List<Pattern> severity,
            Map<String, Pattern> fixed,
            Otherwise otherwise,
            String workload) {}

    /** A finding: the reviewer, the evidence for {@code attribution[]}, and the severity if it says one. */
    public record Finding(Reviewer reviewer, String login, List<String> evidence, String severity) {}

    /** The file's shape. */
    record File(
            Map<String, String> severityWords,
            List<String> nitpicks,
            List<String> negations,
            List<String> markers,
            Map<String, ReviewerSpec> reviewers) {}

    record ReviewerSpec(
            String name,
            List<String> logins,
            Map<String, String> notFinding,
            Map<String, String> finding,
            List<String> severity,
            Map<String, String> fixed,
            String otherwise,
            String workload) {}

    private final Map<String, String> severityWords;
    private final List<Pattern> nitpicks;
    private final List<Pattern> negations;
    private final List<Pattern> markers;
    private final List<String> markerNames;
    private final Map<String, Reviewer> byLogin;
    private final List<Reviewer> reviewers;

    private ReviewRules(
            Map<String, String> severityWords,
            List<Pattern> nitpicks,
            List<Pattern> negations,
            List<String> markerNames,
            List<Reviewer> reviewers) {
        this.severityWords = severityWords;
        this.nitpicks = nitpicks;
        this.negations = negations;
        this.markerNames = markerNames;
        this.markers = markerNames.stream().map(ReviewRules::wholePhrase).toList();
        this.reviewers = reviewers;
        Map<String, Reviewer> logins = new LinkedHashMap<>();
        for (Reviewer r : reviewers) {
            for (String l : r.logins()) {
                logins.put(l, r);
            }
        }
        this.byLogin = logins;
    }

    /** The built-in rules, or those of {@code file} when one is configured. */
    public static ReviewRules load(Optional<String> file) {
        if (file.isPresent() && !file.get().isBlank()) {
            Path p = Path.of(file.get());
            try (InputStream in = Files.newInputStream(p)) {
                return parse(in, p.toString());
            } catch (IOException e) {
                throw new IllegalStateException("tally.outcomes.reviews.rules-file " + p + ": " + e.getMessage(), e);
            }
        }
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            return parse(in, RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ReviewRules parse(InputStream in, String source) throws IOException {
        ObjectMapper yaml =
                new ObjectMapper(new YAMLFactory()).configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
        File f = yaml.readValue(in, File.class);
        if (f.reviewers() == null || f.reviewers().isEmpty()) {
            throw new IllegalStateException(source + ": no reviewers");
        }
        Map<String, String> words = new LinkedHashMap<>();
        if (f.severityWords() != null) {
            f.severityWords().forEach((k, v) -> words.put(k.toLowerCase(Locale.ROOT), v));
        }
        List<Reviewer> reviewers = new ArrayList<>();
        for (Map.Entry<String, ReviewerSpec> e : f.reviewers().entrySet()) {
            ReviewerSpec s = e.getValue();
            String where = source + " reviewers." + e.getKey();
            if (s.logins() == null || s.logins().isEmpty()) {
                throw new IllegalStateException(where + ": no logins");
            }
            Otherwise otherwise;
            try {
                otherwise =
                        Otherwise.valueOf((s.otherwise() == null ? "none" : s.otherwise()).toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException ex) {
                throw new IllegalStateException(
                        where + ".otherwise: '" + s.otherwise() + "' is not finding, markers or none");
            }
            List<Pattern> severity = new ArrayList<>();
            for (String p : s.severity() == null ? List.<String>of() : s.severity()) {
                Pattern compiled = compile(where + ".severity", p);
                if (!p.contains("(?<level>")) {
                    throw new IllegalStateException(where + ".severity: '" + p + "' has no (?<level>...) group");
                }
                severity.add(compiled);
            }
            if (s.workload() != null && !WorkloadNames.validName(s.workload())) {
                throw new IllegalStateException(where + ".workload: '" + s.workload() + "' is not a workload name ("
                        + WorkloadNames.NAME_RULE + ")");
            }
            reviewers.add(new Reviewer(
                    e.getKey(),
                    s.name() == null ? e.getKey() : s.name(),
                    s.logins().stream()
                            .map(l -> l.strip().toLowerCase(Locale.ROOT))
                            .collect(Collectors.toUnmodifiableSet()),
                    compileAll(where + ".notFinding", s.notFinding()),
                    compileAll(where + ".finding", s.finding()),
                    List.copyOf(severity),
                    compileAll(where + ".fixed", s.fixed()),
                    otherwise,
                    s.workload()));
        }
        List<Pattern> negations = new ArrayList<>();
        for (String n : f.negations() == null ? List.<String>of() : f.negations()) {
            negations.add(compile(source + " negations", n));
        }
        List<Pattern> nitpicks = new ArrayList<>();
        for (String n : f.nitpicks() == null ? List.<String>of() : f.nitpicks()) {
            nitpicks.add(compile(source + " nitpicks", n));
        }
        return new ReviewRules(
                words, nitpicks, negations, f.markers() == null ? List.of() : List.copyOf(f.markers()), reviewers);
    }

    private static Map<String, Pattern> compileAll(String where, Map<String, String> patterns) {
        Map<String, Pattern> out = new LinkedHashMap<>();
        if (patterns != null) {
            patterns.forEach((name, p) -> out.put(name, compile(where + "." + name, p)));
        }
        return out;
    }

    private static Pattern compile(String where, String pattern) {
        try {
            return Pattern.compile(pattern, FLAGS);
        } catch (PatternSyntaxException e) {
            throw new IllegalStateException(where + ": " + e.getDescription() + " in '" + pattern + "'");
        }
    }

    /** A word or phrase that matches only whole: "bug" in "a bug" but not in "debug" or "bugfix". */
    static Pattern wholePhrase(String phrase) {
        String[] words = phrase.strip().split("\\s+");
        String body = Arrays.stream(words).map(Pattern::quote).collect(Collectors.joining("\\s+"));
        return Pattern.compile("(?<![\\p{L}\\p{N}_])" + body + "(?![\\p{L}\\p{N}_])", FLAGS);
    }

    public List<Reviewer> reviewers() {
        return reviewers;
    }

    public Optional<Reviewer> reviewer(String login) {
        return login == null
                ? Optional.empty()
                : Optional.ofNullable(byLogin.get(login.strip().toLowerCase(Locale.ROOT)));
    }

    /** The finding in an inline review comment that starts a thread, if its author is an AI reviewer and it raises one. */
    /** The workload the findings of {@code login}'s reviewer count for, or null. */
    public String workload(String login) {
        return reviewer(login).map(Reviewer::workload).orElse(null);
    }

    public Optional<Finding> finding(String login, String body) {
        Optional<Reviewer> reviewer = reviewer(login);
        if (reviewer.isEmpty() || body == null || body.isBlank()) {
            return Optional.empty();
        }
        Reviewer r = reviewer.get();
        for (Pattern p : nitpicks) {
            if (p.matcher(body).find()) {
                return Optional.empty();
            }
        }
        for (Pattern p : r.notFinding().values()) {
            if (p.matcher(body).find()) {
                return Optional.empty();
            }
        }
        String evidence = null;
        for (Map.Entry<String, Pattern> e : r.finding().entrySet()) {
            if (e.getValue().matcher(body).find()) {
                evidence = e.getKey();
                break;
            }
        }
        if (evidence == null) {
            if (r.otherwise() == Otherwise.NONE || negated(body)) {
                return Optional.empty();
            }
            evidence = r.otherwise() == Otherwise.FINDING ? "inline comment" : marker(body);
            if (evidence == null) {
                return Optional.empty();
            }
        }
        List<String> attribution = List.of(AI_REVIEWER + login, REVIEWER + r.key(), FINDING + evidence);
        return Optional.of(new Finding(r, login, attribution, severity(r, body)));
    }

    /** Whether a comment of this reviewer says, in its own words, that a commit addressed it. */
    public Optional<String> confirmsFixed(String login, String body) {
        Optional<Reviewer> r = reviewer(login);
        if (r.isEmpty() || body == null) {
            return Optional.empty();
        }
        for (Map.Entry<String, Pattern> e : r.get().fixed().entrySet()) {
            if (e.getValue().matcher(body).find()) {
                return Optional.of(e.getKey());
            }
        }
        return Optional.empty();
    }

    private boolean negated(String body) {
        for (Pattern n : negations) {
            if (n.matcher(body).find()) {
                return true;
            }
        }
        return false;
    }

    /** "marker bug" for the first marker that occurs and is not denied earlier in its clause, else null. */
    private String marker(String body) {
        for (int i = 0; i < markers.size(); i++) {
            Matcher m = markers.get(i).matcher(body);
            while (m.find()) {
                if (!deniedBefore(body, m.start())) {
                    return "marker " + markerNames.get(i);
                }
            }
        }
        return null;
    }

    private static boolean deniedBefore(String body, int at) {
        int clause = 0;
        Matcher end = CLAUSE_END.matcher(body);
        while (end.find() && end.start() < at) {
            clause = end.end();
        }
        return NEGATOR.matcher(body.substring(clause, at)).find();
    }

    private String severity(Reviewer r, String body) {
        for (Pattern p : r.severity()) {
            Matcher m = p.matcher(body);
            if (m.find()) {
                String level = m.group("level").toLowerCase(Locale.ROOT);
                return severityWords.getOrDefault(level, level);
            }
        }
        if (r.otherwise() == Otherwise.MARKERS) {
            for (Map.Entry<String, String> w : severityWords.entrySet()) {
                if (wholePhrase(w.getKey()).matcher(body).find()) {
                    return w.getValue();
                }
            }
        }
        return null;
    }
}
