package dev.tally.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;

import org.junit.jupiter.api.Test;

import dev.tally.demo.DemoModels.Family;
import dev.tally.pricing.PriceCatalog;

class DemoModelsTest {

    private static PriceCatalog catalog(String yaml) throws Exception {
        return PriceCatalog.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
    }

    private static final String CATALOG = """
            version: "test"
            models:
              - {model: claude-sonnet-9, provider: anthropic, input: "3", output: "15", date: "2027-01-01", source: "s",
                 retires: "2027-06-01", retiresSource: "s"}
              - {model: claude-sonnet-8, provider: anthropic, input: "3", output: "15", date: "2027-01-01", source: "s"}
              - {model: claude-haiku-8, provider: anthropic, input: "1", output: "5", date: "2027-01-01", source: "s",
                 retires: "2027-03-01", retiresSource: "s"}
              - {model: gpt-9, provider: openai, input: "5", output: "30", date: "2027-01-01", source: "s"}
              - {model: gpt-9-mini, provider: openai, input: "0.5", output: "2", date: "2027-01-01", source: "s"}
            """;

    @Test
    void eachFamilyGetsItsNewestModelThatIsStillCurrentThatDay() throws Exception {
        PriceCatalog c = catalog(CATALOG);
        assertThat(DemoModels.resolve(c, Family.SONNET, LocalDate.parse("2027-05-31")))
                .isEqualTo("claude-sonnet-9");
        // retired on 2027-06-01: from that day the demo calls the next one of the family
        assertThat(DemoModels.resolve(c, Family.SONNET, LocalDate.parse("2027-06-01")))
                .isEqualTo("claude-sonnet-8");
        assertThat(DemoModels.resolve(c, Family.GPT, LocalDate.parse("2027-06-01")))
                .isEqualTo("gpt-9");
        assertThat(DemoModels.resolve(c, Family.GPT_MINI, LocalDate.parse("2027-06-01")))
                .isEqualTo("gpt-9-mini");
        // no current haiku left: the provider's first current model stands in
        assertThat(DemoModels.resolve(c, Family.HAIKU, LocalDate.parse("2027-06-01")))
                .isEqualTo("claude-sonnet-8");
        assertThat(DemoModels.resolve(c, Family.INTERNAL, LocalDate.parse("2027-06-01")))
                .isEqualTo("internal-llama-70b");
    }

    @Test
    void theDemoCallsNoRetiredModelOfTheShippedCatalog() {
        LocalDate day = LocalDate.parse("2026-12-01"); // the day after a model the demo used to call was retired
        for (DemoOrg.TeamProfile team : DemoOrg.TEAMS) {
            for (Family f : team.families()) {
                String model = DemoModels.resolve(f, day);
                if (f != Family.INTERNAL) {
                    assertThat(DemoModels.CATALOG.current(model, day))
                            .as(team.name() + " " + f + " → " + model)
                            .isTrue();
                    assertThat(DemoOrg.price(model)).as(model).isNotNull();
                }
            }
        }
        assertThat(DemoModels.CATALOG.retires("claude-sonnet-4")).contains(LocalDate.parse("2026-06-15"));
        assertThat(DemoModels.CATALOG.current("claude-sonnet-4", day)).isFalse();
    }

    @Test
    void pricesComeFromTheCatalogPerToken() {
        String sonnet = DemoModels.resolve(Family.SONNET, LocalDate.parse("2026-12-01"));
        DemoOrg.Price p = DemoOrg.price(sonnet);
        assertThat(p.provider()).isEqualTo("anthropic");
        assertThat(p.input() * 1_000_000)
                .isEqualTo(DemoModels.CATALOG.exact(sonnet).rates().input());
        assertThat(DemoOrg.price(DemoModels.INTERNAL_MODEL)).isNull();
    }
}
