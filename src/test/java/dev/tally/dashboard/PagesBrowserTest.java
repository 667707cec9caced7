package dev.tally.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.tally.access.Access;
import dev.tally.access.Browser;
import dev.tally.demo.DemoHistory.SeededTeam;
import dev.tally.platform.TestStack;

/**
 * The org overview and a team page in a real headless Chromium, as a signed-in leader, with
 * screenshots under target/screenshots/. Skipped where /usr/bin/chromium or /usr/bin/chromedriver is missing.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class PagesBrowserTest {

    @Inject
    DataSource dataSource;

    @TestHTTPResource("/")
    String root;

    static Browser session;
    static ChromeDriver browser;
    static List<SeededTeam> teams;

    @BeforeAll
    static void startBrowser() throws IOException {
        session = Browser.start();
        browser = session.driver;
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            session.close();
        }
    }

    void seed() {
        if (teams == null) {
            teams = DemoRollups.load(dataSource, 90, true);
        }
        if (browser.manage().getCookieNamed(Access.SessionCookie.NAME) == null) {
            // pages are for signed-in people: a leader's session (the sign-in form has its own browser test)
            browser.get(root + "login");
            browser.manage().addCookie(new Cookie(Access.SessionCookie.NAME, Access.leaderCookie()));
        }
    }

    @Test
    void orgOverviewShowsWhichTeamsPayOff() throws IOException {
        seed();
        browser.get(root + "?preset=30d");
        assertThat(browser.getTitle()).isEqualTo("Org overview · Tally");
        WebElement headline = browser.findElement(By.cssSelector(".glance .headline"));
        assertThat(headline.getText()).containsPattern("\\d+ of \\d+ teams returned more value than they spent");
        assertThat(browser.findElements(By.cssSelector("tr.pays"))).isNotEmpty();
        assertThat(browser.findElements(By.cssSelector("tr.costs"))).isNotEmpty();
        assertThat(browser.findElement(By.cssSelector(".demo-banner")).getText())
                .contains("DEMO DATA");
        // Charts load as images (naturalWidth > 0 means the PNG decoded in the browser).
        for (WebElement img : browser.findElements(By.cssSelector("img.chart"))) {
            Object w = browser.executeScript("return arguments[0].complete && arguments[0].naturalWidth", img);
            assertThat(((Number) w).intValue()).as(img.getAttribute("src")).isGreaterThan(0);
        }
        fullPage("org-overview.png");
    }

    @Test
    void teamPageShowsSpendOutcomesAndPrs() throws IOException {
        seed();
        SeededTeam t = teams.get(0);
        browser.get(root + "teams/" + t.id() + "?preset=30d");
        assertThat(browser.findElement(By.tagName("h1")).getText()).contains("Platform");
        assertThat(browser.findElement(By.id("merged-prs")).getText()).contains("commit-trailer");
        assertThat(browser.findElement(By.id("employees")).findElements(By.cssSelector("tbody tr")))
                .hasSize(t.employees().size());
        fullPage("team-page.png");
        browser.get(root + "models?preset=30d");
        fullPage("models-page.png");
        browser.get(root + "operations");
        fullPage("operations-page.png");
    }

    private void fullPage(String name) throws IOException {
        long height = ((Number) browser.executeScript("return document.documentElement.scrollHeight")).longValue();
        browser.manage().window().setSize(new Dimension(1400, (int) Math.min(height + 40, 6000)));
        session.screenshot(name);
        browser.manage().window().setSize(new Dimension(1400, 1000));
    }
}
