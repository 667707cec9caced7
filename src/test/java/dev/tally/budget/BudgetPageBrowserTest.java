package dev.tally.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URL;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.tally.access.Access;
import dev.tally.access.AccessRole;
import dev.tally.access.Browser;
import dev.tally.access.LocalSignInBrowserTest;
import dev.tally.gateway.Admin;
import dev.tally.platform.TestStack;

/**
 * The admin forms of the Budgets and Alerts pages in a real headless Chromium: an admin sets a team's
 * budget, and adds an alert channel, and sees each listed.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class BudgetPageBrowserTest {

    @TestHTTPResource("/")
    URL root;

    @Test
    void anAdminSetsATeamBudgetOnTheBudgetsPageAndSeesItListedWithItsState() throws IOException {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String team = Access.newTeam("Payments " + suffix, "Finance " + suffix);
        Admin.newChannel();
        String email = "budget-admin-" + suffix + "@budgets.test";
        Access.createUser(email, "Ada Admin", AccessRole.ADMIN, List.of());
        String name = "Payments monthly " + suffix;

        try (Browser b = Browser.start()) {
            WebDriver d = b.driver;
            d.get(root + "budgets");
            d.findElement(By.id("username")).sendKeys(email);
            d.findElement(By.id("password")).sendKeys(Access.PASSWORD);
            LocalSignInBrowserTest.submit(d, By.id("sign-in"));
            assertThat(d.getCurrentUrl()).endsWith("/budgets");

            d.findElement(By.id("budget-name")).sendKeys(name);
            new Select(d.findElement(By.id("budget-covers"))).selectByValue("team:" + team);
            d.findElement(By.id("budget-amount")).sendKeys("2,000");
            new Select(d.findElement(By.id("budget-mode"))).selectByValue("block");
            LocalSignInBrowserTest.submit(d, By.id("save-budget"));
            // refused with the field's message, the values kept: the amount is corrected, not retyped
            assertThat(d.findElement(By.id("budget-error")).getText())
                    .startsWith("Not saved — amountUsd: not a decimal number: 2,000")
                    .contains("no thousands separators");
            assertThat(d.findElement(By.id("budget-name")).getAttribute("value"))
                    .isEqualTo(name);
            assertThat(new Select(d.findElement(By.id("budget-mode")))
                            .getFirstSelectedOption()
                            .getAttribute("value"))
                    .isEqualTo("block");
            b.screenshot("budgets-form-refused.png");

            WebElement amount = d.findElement(By.id("budget-amount"));
            amount.clear();
            amount.sendKeys("2000");
            LocalSignInBrowserTest.submit(d, By.id("save-budget"));
            assertThat(d.getCurrentUrl()).contains("/budgets?done=created");
            assertThat(d.findElement(By.id("budget-notice")).getText()).startsWith("Budget created");
            WebElement row =
                    d.findElement(By.xpath("//table[contains(@class,'budgets')]//tr[td[1][text()='" + name + "']]"));
            assertThat(row.getText())
                    .contains("Payments " + suffix)
                    .contains("block")
                    .contains("on track")
                    .contains("$2,000.00")
                    .contains("Edit");
            // the form is a new one again, for the next budget
            assertThat(d.findElement(By.id("budget-name")).getAttribute("value"))
                    .isEmpty();
            // the whole page, list and form, in one picture
            long height = (Long) ((JavascriptExecutor) d).executeScript("return document.documentElement.scrollHeight");
            d.manage().window().setSize(new Dimension(1400, (int) Math.min(height + 140, 4000)));
            b.screenshot("budgets-form-created.png");
        }
    }

    @Test
    void anAdminAddsAWebhookChannelOnTheAlertsPageSeesItsSecretOnceAndSeesItListed() throws IOException {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String email = "channel-admin-" + suffix + "@budgets.test";
        Access.createUser(email, "Ada Admin", AccessRole.ADMIN, List.of());
        String name = "Finance SIEM " + suffix;

        try (Browser b = Browser.start()) {
            WebDriver d = b.driver;
            d.get(root + "alerts");
            d.findElement(By.id("username")).sendKeys(email);
            d.findElement(By.id("password")).sendKeys(Access.PASSWORD);
            LocalSignInBrowserTest.submit(d, By.id("sign-in"));
            assertThat(d.getCurrentUrl()).endsWith("/alerts");

            d.findElement(By.id("channel-name")).sendKeys(name);
            new Select(d.findElement(By.id("channel-type"))).selectByValue("webhook");
            d.findElement(By.id("channel-url")).sendKeys("https://siem.example.test/tally?token=hidden");
            d.findElement(By.id("channel-digest")).click();
            LocalSignInBrowserTest.submit(d, By.id("save-channel"));

            // the generated secret, shown on this answer only
            String secret = d.findElement(By.id("channel-secret-value")).getText();
            assertThat(secret).matches("[0-9a-f]{64}");
            WebElement row =
                    d.findElement(By.xpath("//table[contains(@class,'channels')]//tr[td[1][text()='" + name + "']]"));
            assertThat(row.getText())
                    .contains("Webhook (signed)")
                    .contains("https://siem.example.test/…")
                    .contains("yes")
                    .contains("Send test")
                    .doesNotContain("token=hidden");
            long height = (Long) ((JavascriptExecutor) d).executeScript("return document.documentElement.scrollHeight");
            d.manage().window().setSize(new Dimension(1400, (int) Math.min(height + 140, 4000)));
            b.screenshot("alerts-channel-created.png");

            d.get(root + "alerts");
            assertThat(d.getPageSource()).contains(name).doesNotContain(secret);
        } finally {
            // gone again, so the background weekly digest is not sent to its made-up host
            Access.admin()
                    .get("/api/admin/alert-channels")
                    .then()
                    .extract()
                    .jsonPath()
                    .getList("findAll { it.name == '" + name + "' }.id", String.class)
                    .forEach(id -> Access.admin()
                            .delete("/api/admin/alert-channels/" + id)
                            .then()
                            .statusCode(204));
        }
    }
}
