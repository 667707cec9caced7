package dev.tally.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tally.dashboard.definition.Dashboard;
import dev.tally.dashboard.definition.DashboardCatalog;
import dev.tally.dashboard.definition.DefinitionException;
import dev.tally.dashboard.definition.DefinitionParser;
import dev.tally.dashboard.roi.Metric;

class DashboardDefinitionsTest {

    @TempDir
    Path dir;

    @Test
    void theShippedDefinitionsAreValid() throws IOException {
        for (String name : List.of("org", "team", "models")) {
            Dashboard d =
                    DefinitionParser.dashboard(name + ".yaml", Files.readString(Path.of("dashboards", name + ".yaml")));
            assertThat(d.panels()).isNotEmpty();
        }
        assertThat(DefinitionParser.roi("roi.yaml", Files.readString(Path.of("dashboards", "roi.yaml"))))
                .isEqualTo(dev.tally.dashboard.roi.RoiModel.defaults());
    }

    @Test
    void anUnknownMetricIsReportedWithFileAndLine() {
        String yaml = """
                title: Org
                scope: org
                panels:
                  - type: kpi
                    title: Headline
                    metrics: [spend, valeu]
                """;
        assertThatThrownBy(() -> DefinitionParser.dashboard("org.yaml", yaml))
                .isInstanceOfSatisfying(DefinitionException.class, e -> {
                    assertThat(e.file()).isEqualTo("org.yaml");
                    assertThat(e.line()).isEqualTo(6);
                    assertThat(e.getMessage()).startsWith("org.yaml line 6: unknown metric 'valeu'");
                });
    }

    @Test
    void brokenYamlSyntaxIsReportedWithItsLine() {
        String yaml = "title: Org\nscope: org\npanels:\n  - type: kpi\n    title: [unclosed\n";
        assertThatThrownBy(() -> DefinitionParser.dashboard("org.yaml", yaml))
                .isInstanceOfSatisfying(
                        DefinitionException.class, e -> assertThat(e.line()).isGreaterThanOrEqualTo(5));
    }

    @Test
    void structuralMistakesNameTheProblem() {
        assertThatThrownBy(() -> DefinitionParser.dashboard(
                        "x.yaml", "title: X\nscope: org\npanels:\n  - type: bar\n    title: B\n    metric: spend\n"))
                .hasMessageContaining("x.yaml line 4")
                .hasMessageContaining("needs groupBy");
        assertThatThrownBy(
                        () -> DefinitionParser.dashboard(
                                "x.yaml",
                                "title: X\nscope: org\npanels:\n  - type: table\n    title: B\n    groupBy: employee\n    metric: spend\n"))
                .hasMessageContaining("x.yaml line 6")
                .hasMessageContaining("not available on a org dashboard");
        assertThatThrownBy(() -> DefinitionParser.dashboard(
                        "x.yaml", "title: X\nscope: org\npanels:\n  - type: kpi\n    title: B\n    metirc: spend\n"))
                .hasMessageContaining("x.yaml line 6: unknown key 'metirc'");
        assertThatThrownBy(() -> DefinitionParser.roi("roi.yaml", "loadedHourlyCostUsd: lots\noutcomes: {}\n"))
                .hasMessageContaining("roi.yaml line 1: loadedHourlyCostUsd 'lots' is not a number");
    }

    @Test
    void addingAPanelIsAYamlEdit() throws IOException {
        copyShipped();
        Files.writeString(
                dir.resolve("org.yaml"),
                Files.readString(dir.resolve("org.yaml"))
                        + "  - id: cache\n    type: bar\n    title: Cache reads by team\n    groupBy: team\n    metric: cache_read_tokens\n");
        DashboardCatalog catalog = new DashboardCatalog(config(dir));
        Dashboard org = catalog.current().dashboard("org");
        assertThat(org.panel("cache"))
                .hasValueSatisfying(p -> assertThat(p.metrics()).containsExactly(Metric.CACHE_READ_TOKENS));
    }

    @Test
    void aBadEditIsRefusedAndTheLastGoodSetKeepsServing() throws IOException {
        copyShipped();
        DashboardCatalog catalog = new DashboardCatalog(config(dir));
        var good = catalog.current();
        assertThat(catalog.lastError()).isEmpty();

        Files.writeString(
                dir.resolve("team.yaml"),
                "title: Team\nscope: team\npanels:\n  - type: pie\n    title: P\n    metric: spend\n");
        assertThat(catalog.reload()).isFalse();
        assertThat(catalog.lastError())
                .hasValueSatisfying(e -> assertThat(e).startsWith("team.yaml line 4: type 'pie' is not one of"));
        assertThat(catalog.current()).isSameAs(good);

        Files.copy(
                Path.of("dashboards", "team.yaml"),
                dir.resolve("team.yaml"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(catalog.reload()).isTrue();
        assertThat(catalog.lastError()).isEmpty();
    }

    @Test
    void aBadFileAtFirstStartFallsBackToThePackagedDefaults() throws IOException {
        copyShipped();
        Files.writeString(
                dir.resolve("roi.yaml"), "loadedHourlyCostUsd: 100\noutcomes:\n  pr_merged:\n    hours: -2\n");
        DashboardCatalog catalog = new DashboardCatalog(config(dir));
        assertThat(catalog.lastError()).hasValueSatisfying(e -> assertThat(e).startsWith("roi.yaml line 4"));
        assertThat(catalog.current().origin()).isEqualTo("packaged defaults");
        assertThat(catalog.current().dashboard("org")).isNotNull();
    }

    private void copyShipped() throws IOException {
        for (String f : List.of("org.yaml", "team.yaml", "models.yaml", "roi.yaml")) {
            Files.copy(Path.of("dashboards", f), dir.resolve(f));
        }
    }

    static DashboardConfig config(Path dir) {
        return new DashboardConfig() {
            @Override
            public String dir() {
                return dir.toString();
            }

            @Override
            public Duration reloadInterval() {
                return Duration.ofSeconds(5);
            }
        };
    }
}
