package dev.tally.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code Dockerfile} keeps what the AOT cache needs to be used in the image (docs/production.md, "The
 * image"): no Docker engine runs where Tally is built, so these are checked on the file itself. The cache
 * works only on the JDK build that trained it and only in the directory it was trained in, so the runtime
 * stage is the build stage's image and holds the package at the path the build trained it at, and starts
 * it through the launcher that passes the cache. The training starts PostgreSQL, which refuses root, so
 * the build stage trains as an account; the runtime stage runs as a numeric non-root user. And the build
 * context is only what the Dockerfile copies: no local package, data directory or node_modules.
 */
class ContainerImageTest {

    private static final Pattern FROM =
            Pattern.compile("^FROM\\s+(\\S+)(?:\\s+AS\\s+(\\S+))?$", Pattern.CASE_INSENSITIVE);

    /** One build stage of the Dockerfile: its base image, its name and its instructions in order. */
    record Stage(String image, String name, List<String> instructions) {
        List<String> all(String keyword) {
            return instructions.stream()
                    .filter(i -> i.regionMatches(true, 0, keyword + " ", 0, keyword.length() + 1))
                    .map(i -> i.substring(keyword.length() + 1).trim())
                    .toList();
        }

        String last(String keyword) {
            List<String> found = all(keyword);
            assertThat(found).as("%s in the stage FROM %s", keyword, image).isNotEmpty();
            return found.get(found.size() - 1);
        }

        /** The USER in force at the first instruction that contains {@code text}. */
        String userAt(String text) {
            String user = "root";
            for (String i : instructions) {
                if (i.regionMatches(true, 0, "USER ", 0, 5)) {
                    user = i.substring(5).trim();
                }
                if (i.contains(text)) {
                    return user;
                }
            }
            throw new AssertionError("no instruction with " + text + " in the stage FROM " + image);
        }
    }

    List<Stage> stages;

    @BeforeEach
    void parse() throws IOException {
        stages = new ArrayList<>();
        // continuation lines joined, comments and blank lines dropped
        String text = Files.readString(Path.of("Dockerfile")).replaceAll("\\\\\\n", " ");
        for (String line : text.split("\n")) {
            String l = line.trim();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            Matcher from = FROM.matcher(l);
            if (from.matches()) {
                stages.add(new Stage(from.group(1), from.group(2), new ArrayList<>()));
            } else {
                assertThat(stages)
                        .as("an instruction before the first FROM: %s", l)
                        .isNotEmpty();
                stages.get(stages.size() - 1).instructions().add(l);
            }
        }
        assertThat(stages).as("a build stage and a runtime stage").hasSize(2);
    }

    @Test
    void theRuntimeStageIsTheImageTheBuildTrainedTheCacheOn() {
        Stage build = stages.get(0);
        Stage runtime = stages.get(1);
        assertThat(build.all("RUN")).anyMatch(r -> r.contains("package") && r.contains("-Paot"));
        assertThat(runtime.image()).isEqualTo(build.image());
        assertThat(build.image()).as("a JDK the AOT cache needs (25+)").matches(".*:(2[5-9]|[3-9][0-9])[-.].*jdk.*");
    }

    @Test
    void thePackageSitsWhereItWasTrainedAndTheLauncherStartsIt() {
        Stage build = stages.get(0);
        Stage runtime = stages.get(1);
        String trainedAt = build.last("WORKDIR") + "/target/quarkus-app/";
        assertThat(runtime.all("COPY")).contains("--from=" + build.name() + " " + trainedAt + " " + trainedAt);

        // the launcher's default package is target/quarkus-app beside it
        String appDir = runtime.last("WORKDIR");
        assertThat(runtime.all("COPY")).contains("tally " + appDir + "/tally");
        assertThat(trainedAt).isEqualTo(appDir + "/target/quarkus-app/");
        assertThat(runtime.last("ENTRYPOINT")).endsWith("\"" + appDir + "/tally\"]");
        assertThat(runtime.all("ENV")).noneMatch(e -> e.startsWith("TALLY_APP_DIR"));
    }

    @Test
    void theTrainingRunsAsAnAccountAndTallyAsANumericNonRootUser() {
        String trainer = stages.get(0).userAt("-Paot");
        assertThat(trainer).isNotIn("root", "0").doesNotStartWith("0:");
        String runtimeUser = stages.get(1).last("USER");
        assertThat(runtimeUser).matches("[1-9][0-9]*(:[1-9][0-9]*)?");
    }

    @Test
    void theBuildContextHoldsOnlyWhatTheDockerfileCopies() throws IOException {
        List<String> rules = Files.readAllLines(Path.of(".dockerignore")).stream()
                .map(String::trim)
                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .toList();
        // everything left out first, then only the copied paths let back in
        assertThat(rules.get(0)).isEqualTo("*");
        List<String> allowed = rules.subList(1, rules.size());
        assertThat(allowed).allMatch(r -> r.startsWith("!"));
        List<String> copied = new ArrayList<>();
        for (Stage stage : stages) {
            for (String copy : stage.all("COPY")) {
                if (copy.startsWith("--from=")) {
                    continue;
                }
                List<String> words = List.of(copy.split("\\s+"));
                copied.addAll(words.subList(0, words.size() - 1));
            }
        }
        assertThat(allowed.stream().map(r -> r.substring(1)).toList())
                .containsExactlyInAnyOrderElementsOf(copied.stream().distinct().toList())
                .doesNotContain("target", "data");
    }
}
