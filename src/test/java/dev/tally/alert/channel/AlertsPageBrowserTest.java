package dev.tally.alert.channel;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

import dev.tally.access.Access;
import dev.tally.access.Browser;
import dev.tally.platform.TallyServices;
import dev.tally.platform.TestStack;

/**
 * The Alerts page and the operations page's delivery log in a real headless Chromium, with
 * screenshots under target/screenshots/. Skipped where /usr/bin/chromium or /usr/bin/chromedriver is missing.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class AlertsPageBrowserTest {

    @TestHTTPResource("/")
    String root;

    @Inject
    DeliveryLog log;

    static Browser session;
    static ChromeDriver browser;
    static Receiver receiver;
    static AlertTopic topic;

    @BeforeAll
    static void start() throws IOException {
        session = Browser.start();
        browser = session.driver;
        receiver = new Receiver();
        topic = new AlertTopic();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            session.close();
            receiver.close();
            topic.close();
        }
    }

    static UUID channel(Map<String, Object> body) {
        return UUID.fromString(given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .contentType(ContentType.JSON)
                .body(body)
                .post("/api/admin/alert-channels")
                .then()
                .statusCode(201)
                .extract()
                .path("id"));
    }

    @Test
    void theAlertsPageListsRecentAlertsWithTheDeliveryStatusOfEachChannel() throws IOException {
        UUID slack = channel(
                Map.of("type", "slack", "name", "#finance-alerts", "url", receiver.url("/ok/" + UUID.randomUUID())));
        String downPath = "/down/" + UUID.randomUUID();
        UUID down = channel(Map.of(
                "type",
                "webhook",
                "name",
                "SIEM (down)",
                "url",
                receiver.url(downPath),
                "secret",
                "page-test-secret-0123"));
        receiver.down(downPath); // the SIEM's first attempt fails and waits for its retry
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        UUID team = UUID.randomUUID();
        ObjectNode projected =
                AlertTopic.threshold("page-projected-" + suffix, team, "Growth " + suffix, List.of(slack));
        ((ObjectNode) projected.path("data")).put("kind", "projected").put("at", "2026-12-20T11:00:00Z");
        topic.send(AlertTopic.threshold("page-threshold-" + suffix, team, "Growth " + suffix, List.of(slack, down)));
        topic.send(projected);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> log.recentAlerts(50).stream()
                                .filter(a -> a.alert().id().endsWith(suffix))
                                .allMatch(a -> a.deliveries().stream()
                                        .allMatch(d -> d.attempts() > 0 && d.status() != DeliveryStatus.SENDING))
                        && log.recentAlerts(50).stream()
                                        .filter(a -> a.alert().id().endsWith(suffix))
                                        .count()
                                == 2);

        open(Access.leaderCookie(), "alerts");
        assertThat(browser.getTitle()).isEqualTo("Alerts · Tally");
        WebElement table = browser.findElement(By.id("alerts"));
        String text = table.getText();
        assertThat(text)
                .contains("Budget 80% reached: Growth " + suffix, "Budget projected to run out: Growth " + suffix);
        WebElement row = table.findElements(By.cssSelector("tbody tr")).stream()
                .filter(r -> r.getText().contains("Budget 80% reached: Growth " + suffix))
                .findFirst()
                .orElseThrow();
        assertThat(row.findElement(By.cssSelector(".status.delivered"))
                        .findElement(By.xpath(".."))
                        .getText())
                .contains("#finance-alerts");
        assertThat(row.findElement(By.cssSelector(".status.pending"))
                        .findElement(By.xpath(".."))
                        .getText())
                .contains("SIEM (down)", "HTTP 503: busy");
        assertThat(row.getText()).contains("$400.00", "$500.00", "$620.00");
        fullPage("alerts-page.png");

        open(Access.leaderCookie(), "operations");
        String deliveries = browser.findElement(By.id("deliveries")).getText();
        assertThat(deliveries).contains("Alert deliveries", "SIEM (down)", "#finance-alerts");
        fullPage("operations-deliveries.png");
    }

    @Test
    void anAdminEditsAChannelFromItsRowAndItsTestGoesToTheNewUrl() throws IOException {
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        String oldPath = "/edit-old/" + suffix;
        String newPath = "/edit-new/" + suffix;
        UUID id = channel(Map.of("type", "slack", "name", "#ops-" + suffix, "url", receiver.url(oldPath)));

        open(Access.adminCookie(), "alerts");
        browser.findElement(By.cssSelector("#channel-" + id + " a.edit")).click();
        assertThat(browser.findElement(By.cssSelector("#channel-form h2")).getText())
                .isEqualTo("Edit channel “#ops-" + suffix + "”");
        WebElement name = browser.findElement(By.id("channel-name"));
        assertThat(name.getAttribute("value")).isEqualTo("#ops-" + suffix);
        assertThat(browser.findElement(By.id("channel-type-fixed")).getText())
                .isEqualTo("Slack — a channel's incoming webhook");
        WebElement url = browser.findElement(By.id("channel-url"));
        assertThat(url.getAttribute("value")).isEmpty();
        String hint = receiver.url("/").replaceAll("/$", "") + "/…";
        assertThat(browser.findElement(By.id("channel-form")).getText()).contains("leave empty to keep " + hint);
        assertThat(browser.findElements(By.id("channel-secret-input"))).isEmpty(); // Slack has no secret
        ((org.openqa.selenium.JavascriptExecutor) browser)
                .executeScript("document.getElementById('channel-form').scrollIntoView()");
        session.screenshot("alerts-channel-edit.png");

        name.clear();
        name.sendKeys("#ops-alerts-" + suffix);
        url.sendKeys(receiver.url(newPath));
        browser.findElement(By.id("save-channel")).click();
        afterLoad(name);

        assertThat(browser.getCurrentUrl()).contains("/alerts?done=updated&channel=" + id);
        assertThat(browser.findElement(By.id("channel-notice")).getText())
                .startsWith("Channel “#ops-alerts-" + suffix + "” saved.");
        assertThat(browser.findElement(By.id("channel-" + id)).getText()).contains("#ops-alerts-" + suffix, hint);
        WebElement row = browser.findElement(By.id("channel-" + id));
        row.findElement(By.cssSelector("button.send-test")).click();
        afterLoad(row);
        assertThat(browser.findElement(By.id("channel-notice")).getText()).startsWith("Test message sent");
        assertThat(receiver.requests(newPath)).hasSize(1);
        assertThat(receiver.requests(oldPath)).isEmpty();
    }

    /** Waits until the page that held {@code old} is gone: a form's post answered with the next page. */
    private void afterLoad(WebElement old) {
        new WebDriverWait(browser, Duration.ofSeconds(30), Duration.ofMillis(50))
                .until(ExpectedConditions.stalenessOf(old));
    }

    private void fullPage(String name) throws IOException {
        long height = ((Number) browser.executeScript("return document.documentElement.scrollHeight")).longValue();
        browser.manage().window().setSize(new Dimension(1400, (int) Math.min(height + 40, 6000)));
        session.screenshot(name);
        browser.manage().window().setSize(new Dimension(1400, 1000));
    }

    /**
     * Opens a page signed in with this session (a leader's, an admin's; pages are for signed-in people,
     * and sign-in has its own browser test).
     */
    private void open(String session, String path) {
        Cookie current = browser.manage().getCookieNamed(Access.SessionCookie.NAME);
        if (current == null || !current.getValue().equals(session)) {
            browser.get(root + "login");
            browser.manage().deleteAllCookies();
            browser.manage().addCookie(new Cookie(Access.SessionCookie.NAME, session));
        }
        browser.get(root + path);
    }
}
