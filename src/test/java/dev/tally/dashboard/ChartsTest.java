package dev.tally.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import javax.imageio.ImageIO;
import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.tally.access.Access;
import dev.tally.demo.DemoHistory.SeededTeam;
import dev.tally.platform.TestStack;

@QuarkusTest
@WithTestResource(TestStack.class)
class ChartsTest {

    @Inject
    DataSource dataSource;

    static List<SeededTeam> teams;

    @BeforeEach
    void seed() {
        if (teams == null) {
            teams = DemoRollups.load(dataSource, 30, false);
        }
    }

    @Test
    void everyOrgChartDecodesAsANonBlankPng() throws IOException {
        for (String panel : List.of("spend-vs-value", "outcomes", "department-roi")) {
            BufferedImage img = png("/charts/org/" + panel + ".png?preset=30d", "org-" + panel);
            assertThat(img.getWidth()).isEqualTo(900);
            assertThat(img.getHeight()).isEqualTo(300);
            assertThat(distinctColours(img)).as(panel).isGreaterThan(20);
        }
    }

    @Test
    void teamChartsAndSizeParameters() throws IOException {
        BufferedImage img = png(
                "/charts/team/spend-by-model.png?preset=30d&width=640&height=240&team="
                        + teams.get(0).id(),
                "team-spend-by-model");
        assertThat(img.getWidth()).isEqualTo(640);
        assertThat(img.getHeight()).isEqualTo(240);
        assertThat(distinctColours(img)).isGreaterThan(20);
        png("/charts/models/tokens-by-model.png?preset=30d", "models-tokens-by-model");
    }

    @Test
    void svgIsServedToo() {
        String svg = Access.leader()
                .get("/charts/org/spend-vs-value.svg?preset=30d")
                .then()
                .statusCode(200)
                .contentType("image/svg+xml")
                .extract()
                .asString();
        assertThat(svg).startsWith("<?xml").contains("<svg").contains("Spend").contains("Value");
    }

    @Test
    void unknownPanelsAndBadSizesAreProblems() {
        Access.leader().get("/charts/org/nope.png").then().statusCode(404);
        Access.leader().get("/charts/nope/spend-vs-value.png").then().statusCode(404);
        Access.leader().get("/charts/org/teams.png").then().statusCode(400); // a table panel, not a chart
        Access.leader().get("/charts/org/spend-vs-value.png?width=99999").then().statusCode(400);
        Access.leader()
                .get("/charts/delivery/trend.svg?height=50")
                .then()
                .statusCode(400)
                .body("detail", org.hamcrest.Matchers.startsWith("width/height: 900×50 is outside"));
        Access.leader().get("/charts/team/spend-vs-value.png").then().statusCode(400); // needs ?team=
    }

    @Test
    void aSizeThatIsNotANumberIsA400NamingIt() {
        for (String q : List.of("width=abc", "height=1.5", "width=99999999999")) {
            Access.leader()
                    .get("/charts/org/spend-vs-value.png?" + q)
                    .then()
                    .statusCode(400)
                    .body("detail", org.hamcrest.Matchers.startsWith(q.substring(0, q.indexOf('=')) + ": "));
        }
        Access.leader()
                .get("/charts/delivery/trend.svg?width=wide")
                .then()
                .statusCode(400)
                .body("detail", org.hamcrest.Matchers.startsWith("width: "));
    }

    private static BufferedImage png(String path, String name) throws IOException {
        byte[] bytes = Access.leader()
                .get(path)
                .then()
                .statusCode(200)
                .contentType("image/png")
                .extract()
                .asByteArray();
        Path out = Path.of("target", "charts");
        Files.createDirectories(out);
        Files.write(out.resolve(name + ".png"), bytes);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(bytes));
        assertThat(img).as(path).isNotNull();
        return img;
    }

    private static int distinctColours(BufferedImage img) {
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                colours.add(img.getRGB(x, y));
            }
        }
        return colours.size();
    }
}
