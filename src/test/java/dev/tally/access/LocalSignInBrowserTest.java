package dev.tally.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.tally.platform.TestStack;

/** Local sign-in in a real headless Chromium: a wrong password, throttling, signing in and out. */
@QuarkusTest
@WithTestResource(TestStack.class)
public class LocalSignInBrowserTest {

    @TestHTTPResource("/")
    URL root;

    @Inject
    MovableClock clock;

    @Inject
    AccessConfig config;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void aWrongPasswordIsRefusedTheRightOneSignsInAndSigningOutEndsTheSession() throws IOException {
        String email = newLeader();
        try (Browser b = Browser.start()) {
            WebDriver d = b.driver;
            d.get(root + "models?preset=7d");
            assertThat(d.getCurrentUrl()).endsWith("/login");
            signIn(d, email, "not-the-password");
            assertThat(d.findElement(By.id("sign-in-error")).getText()).contains("Wrong e-mail or password");
            b.screenshot("sign-in-wrong-password.png");

            signIn(d, email, Access.PASSWORD);
            // back to the page that asked for sign-in
            assertThat(d.getCurrentUrl()).contains("/models?preset=7d");
            assertThat(d.findElement(By.cssSelector(".who-name")).getText()).isEqualTo("Sign-in Tester");
            assertThat(d.findElement(By.cssSelector(".who-role")).getText()).isEqualTo("leader");
            Cookie session = d.manage().getCookieNamed(Access.SessionCookie.NAME);
            assertThat(session.isHttpOnly()).isTrue();
            assertThat(session.getSameSite()).isEqualTo("Lax");
            b.screenshot("signed-in-models.png");

            submit(d, By.cssSelector("form.sign-out button"));
            assertThat(d.getCurrentUrl()).contains("/login");
            assertThat(d.findElement(By.id("signed-out")).getText()).contains("signed out");
            assertThat(d.manage().getCookieNamed(Access.SessionCookie.NAME)).isNull();
            d.get(root + "models");
            assertThat(d.getCurrentUrl()).endsWith("/login");
        }
    }

    @Test
    void repeatedFailuresLockTheAccountEvenForTheRightPasswordUntilTheLockoutEnds() throws IOException {
        String email = newLeader();
        int max = config.signIn().maxFailuresPerAccount();
        try (Browser b = Browser.start()) {
            WebDriver d = b.driver;
            d.get(root + "login");
            for (int i = 0; i < max; i++) {
                signIn(d, email, "guess-" + i);
                assertThat(d.findElement(By.id("sign-in-error")).isDisplayed()).isTrue();
            }
            signIn(d, email, Access.PASSWORD);
            assertThat(d.findElement(By.id("sign-in-error")).getText())
                    .contains("Too many failed sign-ins")
                    .contains("locked until");
            assertThat(d.manage().getCookieNamed(Access.SessionCookie.NAME)).isNull();
            b.screenshot("sign-in-locked.png");

            clock.advance(config.signIn().lockout().plus(Duration.ofMinutes(1)));
            signIn(d, email, Access.PASSWORD);
            assertThat(d.manage().getCookieNamed(Access.SessionCookie.NAME)).isNotNull();
            assertThat(d.findElements(By.id("sign-in-error"))).isEmpty();
        }
    }

    private static void signIn(WebDriver d, String user, String password) {
        if (!d.getCurrentUrl().contains("/login")) {
            throw new AssertionError("not on the sign-in page: " + d.getCurrentUrl());
        }
        d.findElement(By.id("username")).clear();
        d.findElement(By.id("username")).sendKeys(user);
        d.findElement(By.id("password")).sendKeys(password);
        submit(d, By.id("sign-in"));
    }

    /** Clicks a submit button and waits until the next page has loaded (the old one went stale). */
    public static void submit(WebDriver d, By button) {
        WebElement page = d.findElement(By.tagName("html"));
        d.findElement(button).click();
        // polled every 50 ms, not the default 500 ms: each submit waited half a second for a page already there
        WebDriverWait wait = new WebDriverWait(d, Duration.ofSeconds(60), Duration.ofMillis(50));
        wait.until(x -> gone(page));
        wait.until(x -> "complete".equals(((JavascriptExecutor) x).executeScript("return document.readyState")));
    }

    /**
     * Whether the element's page was replaced. Selenium's stalenessOf expects a stale-element error;
     * chromedriver on a busy machine may instead answer "Node with given id does not belong to the
     * document" for a node of the page it has just left, which means the same.
     */
    static boolean gone(WebElement element) {
        try {
            element.isEnabled();
            return false;
        } catch (StaleElementReferenceException | NoSuchElementException e) {
            return true;
        } catch (WebDriverException e) {
            if (e.getMessage() != null && e.getMessage().contains("does not belong to the document")) {
                return true;
            }
            throw e;
        }
    }

    private static String newLeader() {
        String email = "signin-" + UUID.randomUUID().toString().substring(0, 8) + "@signin.test";
        Access.createUser(email, "Sign-in Tester", AccessRole.LEADER, List.of());
        return email;
    }
}
