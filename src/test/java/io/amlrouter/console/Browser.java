package io.amlrouter.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.htmlunit.BrowserVersion;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.htmlunit.HtmlUnitDriver;

/**
 * The browser the console's page tests drive: the Java-only HtmlUnit by default (every {@code ./mvnw verify}), or
 * headless Chromium through chromedriver with {@code -Dconsole-tests.browser=chromium} ({@code .ci/run}; binaries from
 * {@code -Dconsole-tests.chromium=/usr/bin/chromium} and {@code -Dconsole-tests.chromedriver=/usr/bin/chromedriver}). Pages are
 * kept under {@code target/console-screenshots/}: a PNG screenshot in Chromium, the HTML in HtmlUnit (which draws
 * nothing). Helpers find controls the way a person does: by their label's words and by button text.
 */
final class Browser implements AutoCloseable {

    static final Path SHOTS = Path.of("target", "console-screenshots");

    final WebDriver driver;
    final String name;
    private final Path profile;

    private Browser(WebDriver driver, String name, Path profile) {
        this.driver = driver;
        this.name = name;
        this.profile = profile;
    }

    static Browser open() {
        String kind = System.getProperty("console-tests.browser", "htmlunit");
        switch (kind) {
            case "htmlunit": {
                // Scripts on, as in a real browser: the console's one script (live refresh) runs too.
                HtmlUnitDriver d = new HtmlUnitDriver(BrowserVersion.BEST_SUPPORTED, true);
                return new Browser(d, kind, null);
            }
            case "chromium": {
                Path profile;
                try {
                    profile = Files.createTempDirectory("console-chromium");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                ChromeOptions options = new ChromeOptions();
                options.setBinary(System.getProperty("console-tests.chromium", "/usr/bin/chromium"));
                options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        "--no-first-run", "--window-size=1400,1000", "--user-data-dir=" + profile);
                // The browser's console, to fail on any Content-Security-Policy violation (checkConsole).
                options.setCapability("goog:loggingPrefs", java.util.Map.of("browser", "ALL"));
                ChromeDriverService service = new ChromeDriverService.Builder()
                        .usingDriverExecutable(Path.of(System.getProperty("console-tests.chromedriver", "/usr/bin/chromedriver"))
                                .toFile())
                        .usingAnyFreePort().build();
                ChromeDriver d = new ChromeDriver(service, options);
                d.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
                d.manage().timeouts().implicitlyWait(Duration.ofSeconds(2));
                return new Browser(d, kind, profile);
            }
            default:
                throw new IllegalArgumentException("console-tests.browser must be htmlunit or chromium; got " + kind);
        }
    }

    void go(String url) {
        driver.get(url);
    }

    /** The form control whose label's text starts with {@code words}. */
    WebElement field(String words) {
        for (WebElement label : driver.findElements(By.tagName("label"))) {
            if (label.getText().trim().startsWith(words)) {
                String id = label.getAttribute("for");
                return id != null ? driver.findElement(By.id(id)) : label.findElement(By.cssSelector("input,select,textarea"));
            }
        }
        throw new AssertionError("no control labelled \"" + words + "\" on " + driver.getCurrentUrl() + "\n"
                + driver.getPageSource());
    }

    /** Types into the control labelled {@code words} (replacing what it holds). */
    void type(String words, String text) {
        WebElement f = field(words);
        f.clear();
        f.sendKeys(text);
    }

    /** Picks the option with the visible text {@code option} in the list labelled {@code words}. */
    void choose(String words, String option) {
        new org.openqa.selenium.support.ui.Select(field(words)).selectByVisibleText(option);
    }

    /** Presses the button whose text is {@code text}; the first, or the one inside {@code scope}. */
    void press(String text) {
        WebElement page = driver.findElement(By.tagName("html"));
        button(driver.findElements(By.tagName("button")), text).click();
        awaitNextPage(page);
    }

    /**
     * Chromium answers a click before the form's answer is shown (HtmlUnit waits): wait until the page that was
     * clicked on is gone, so the next look reads the new page.
     */
    private void awaitNextPage(WebElement page) {
        if (driver instanceof ChromeDriver) {
            try {
                new org.openqa.selenium.support.ui.WebDriverWait(driver, Duration.ofSeconds(10))
                        .until(ignored -> gone(page));
            } catch (org.openqa.selenium.TimeoutException stayed) {
                // A button that does not navigate: the page is the same one.
            }
        }
    }

    /**
     * Whether the element's page was replaced. Selenium's own {@code stalenessOf} knows only the stale-element
     * answer; Chromium also answers "Node with given id does not belong to the document" when the new page
     * replaces the old one during the call (seen once in CI, failing a console test that had done nothing wrong).
     */
    private static boolean gone(WebElement element) {
        try {
            element.isEnabled();
            return false;
        } catch (org.openqa.selenium.StaleElementReferenceException replaced) {
            return true;
        } catch (org.openqa.selenium.WebDriverException e) {
            if (String.valueOf(e.getMessage()).contains("does not belong to the document")) {
                return true;
            }
            throw e;
        }
    }

    static WebElement button(List<WebElement> buttons, String text) {
        return buttons.stream().filter(b -> b.getText().trim().equals(text)).findFirst()
                .orElseThrow(() -> new AssertionError("no button \"" + text + "\""));
    }

    /** Follows the link whose text is {@code text}. */
    void follow(String text) {
        WebElement page = driver.findElement(By.tagName("html"));
        driver.findElement(By.linkText(text)).click();
        awaitNextPage(page);
    }

    String heading() {
        return driver.findElement(By.tagName("h1")).getText().trim();
    }

    /** The cells of the table row whose header cell (or first cell) is {@code key}. */
    List<String> row(String tableCss, String key) {
        for (WebElement tr : driver.findElements(By.cssSelector(tableCss + " tbody tr"))) {
            List<WebElement> cells = tr.findElements(By.cssSelector("th,td"));
            if (!cells.isEmpty() && cells.get(0).getText().trim().equals(key)) {
                return cells.stream().map(c -> c.getText().trim()).toList();
            }
        }
        throw new AssertionError("no row " + key + " in " + tableCss + " on " + driver.getCurrentUrl() + "\n"
                + driver.getPageSource());
    }

    /** Keeps the page as it is now: a screenshot (Chromium) or its HTML (HtmlUnit). */
    void keep(String step) {
        checkConsole();
        try {
            Files.createDirectories(SHOTS);
            if (driver instanceof TakesScreenshot shots && !(driver instanceof HtmlUnitDriver)) {
                Files.write(SHOTS.resolve(name + "-" + step + ".png"), shots.getScreenshotAs(OutputType.BYTES));
            } else {
                Files.writeString(SHOTS.resolve(name + "-" + step + ".html"), driver.getPageSource(),
                        StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** In Chromium: no message in the browser's console about a refused script, style or frame (CSP). */
    void checkConsole() {
        if (!(driver instanceof ChromeDriver)) {
            return;
        }
        List<String> violations = driver.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll()
                .stream().map(e -> e.getMessage()).filter(m -> m.contains("Content Security Policy")
                        || m.contains("Refused to")).toList();
        if (!violations.isEmpty()) {
            throw new AssertionError("the page broke its Content-Security-Policy: " + violations);
        }
    }

    @Override
    public void close() {
        driver.quit();
        if (profile != null) {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a temporary profile left behind is harmless
            }
        }
    }
}
