package io.github.chatlog.viewer;

import io.github.chatlog.logback.LogbackFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.ElementNotInteractableException;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.slf4j.Logger;
import org.slf4j.MDC;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The viewer in a real browser: Debian's headless Chromium driven by Selenium through chromedriver, over a directory
 * the real appenders wrote. Sessions page, a click into a conversation, search, statistics, live entries logged by
 * the test through SLF4J appearing without a reload, an export download, and hostile text (in content, roles, model
 * names and session ids) shown literally with nothing it would do done. Screenshots of every page go to
 * {@code target/screenshots/}. In CI ({@code CI=true}) a missing Chromium fails the test; elsewhere it is skipped.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ViewerBrowserTest {

    static final Path CHROMIUM = Path.of(System.getProperty("chatlog.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("chatlog.chromedriver", "/usr/bin/chromedriver"));
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    static final Duration DEADLINE = Duration.ofSeconds(60);
    /** Entries of the long conversation: more than two pages of 200. */
    static final int LONG = 450;

    @TempDir
    static Path root;
    static Path dir;
    static Path downloads;
    static ViewerServer server;
    static LogbackFixture live;
    static WebDriver driver;

    @BeforeAll
    static void start() throws Exception {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            String why = "Chromium and chromedriver are needed at " + CHROMIUM + " and " + CHROMEDRIVER
                    + " (Debian: apt-get install chromium chromium-driver; .ci/run installs them)";
            if ("true".equals(System.getenv("CI"))) {
                fail(why);
            }
            Assumptions.abort(why);
        }
        dir = root.resolve("logs");
        Path store = root.resolve("store.db");
        ViewerLogs.write(dir, store);
        live = LogbackFixture.fromXml(ViewerLogs.configuration("text", store), dir);
        for (int i = 0; i < LONG; i++) {
            chat("long-1", i % 2 == 0 ? "user" : "assistant", "long entry " + i);
        }
        chat("live-1", "user", "a conversation the test keeps talking in");
        server = ViewerServer.start(ViewerSettings.files(dir).bind("127.0.0.1", 0));
        downloads = Files.createDirectories(root.resolve("downloads"));
        Files.createDirectories(SCREENSHOTS);

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + Files.createDirectories(root.resolve("profile")), "--window-size=1280,900");
        options.setExperimentalOption("prefs", Map.of("download.default_directory", downloads.toString(),
                "download.prompt_for_download", false));
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (server != null) {
            server.close();
        }
        if (live != null) {
            live.close();
        }
    }

    /** A chat entry through plain SLF4J into the served directory. */
    static void chat(String session, String role, String text) {
        Logger chat = live.logger("chat");
        MDC.put("session_id", session);
        try {
            chat.atInfo().addKeyValue("role", role).addKeyValue("model", "live-model").log(text);
        } finally {
            MDC.clear();
        }
    }

    static void open(String path) {
        driver.get("http://127.0.0.1:" + server.port() + path);
    }

    static <T> T await(String what, Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, DEADLINE).withMessage(what).until(condition);
    }

    static Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    static void screenshot(String name) throws Exception {
        Files.write(SCREENSHOTS.resolve(name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    /** Nothing a hostile text would do has happened, and no script was refused by the policy. */
    static void nothingRan() {
        assertEquals(Boolean.TRUE, js("return window.__pwned === undefined"), "a logged text ran as script");
        assertNotEquals("PWNED", driver.getTitle());
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            assertFalse(e.getMessage().contains("Content Security Policy"), "the policy had to refuse something: " + e);
        }
    }

    /** The text of every element {@code css} selects, read in one step (the page may re-render between two). */
    @SuppressWarnings("unchecked")
    static List<String> texts(String css) {
        return new ArrayList<>((List<String>) js("return Array.from(document.querySelectorAll(arguments[0]))"
                + ".map(function (e) { return e.textContent; })", css));
    }

    /**
     * Clicks what {@code by} finds once it is there, finding it again if the page re-rendered it before the click. A
     * click whose handler replaces the element itself reports it stale afterwards: that click happened.
     */
    static void click(By by) {
        new WebDriverWait(driver, DEADLINE).withMessage("click " + by)
                .ignoring(StaleElementReferenceException.class).until(d -> {
                    WebElement found = d.findElement(by);
                    if (!found.isDisplayed()) {
                        return false;
                    }
                    try {
                        found.click();
                    } catch (ElementNotInteractableException notYet) {
                        // shown but not yet where a click reaches it (still laid out, or covered): look again;
                        // the driver refuses before it clicks, so nothing was clicked
                        return false;
                    } catch (StaleElementReferenceException replacedByTheClick) {
                        // the handler re-rendered it
                    }
                    return true;
                });
    }

    @Test
    @Order(1)
    void theSessionsPageListsConversationsAndLinksIntoThem() throws Exception {
        open("/");
        await("the sessions table", d -> d.findElements(By.cssSelector("#sessions tbody a.session-link")).size() >= 9);
        await("the statistics cards", d -> d.findElements(By.cssSelector("#summary .card")).size() >= 6);
        List<String> ids = texts("#sessions tbody a.session-link");
        assertEquals("live-1", ids.get(0), "newest first");
        assertTrue(ids.contains(ViewerLogs.HOSTILE_ID), "the hostile id, as text: " + ids);
        assertTrue(ids.contains(ViewerLogs.PATH_ID), ids::toString);
        assertTrue(texts("#sessions tbody .models .chip").contains(ViewerLogs.HOSTILE_MODEL));
        screenshot("sessions");
        nothingRan();

        click(By.cssSelector("#filters input[name=errors]"));
        click(By.cssSelector("#filters button[type=submit]"));
        await("the filtered table", d -> texts("#sessions tbody a.session-link").equals(List.of("support")));
        assertTrue(driver.getCurrentUrl().contains("errors=1"), "the filter is in the address");
        click(By.id("reset"));
        await("every session again", d -> d.findElements(By.cssSelector("#sessions tbody a.session-link")).size() >= 9);

        click(By.xpath("//a[@class='session-link' and text()='weather']"));
        await("the conversation", d -> d.findElements(By.cssSelector("#chat article.entry")).size() == 5);
        assertTrue(driver.getCurrentUrl().endsWith("/sessions/weather"), driver.getCurrentUrl());
        assertEquals("What's the weather like in Lisbon tomorrow?", texts("#chat .role-user .bubble").get(0));
        assertEquals(List.of("weather_forecast"), texts("#chat .tool_call .tool-name"));
        assertTrue(texts("#chat .tool_call pre.code").get(0).contains("\"city\": \"Lisbon\""), "arguments indented");
        String meta = texts("#chat .role-assistant .meta").get(0);
        assertTrue(meta.contains("llama3.2") && meta.contains("time 0.85s") && meta.contains("tokens 28")
                && meta.contains("speed 32.94 tok/s"), meta);
        assertEquals(List.of("confidence 0.38"), texts("#chat .meta-item.low"), "the low-confidence answer is flagged");
        screenshot("conversation");
        nothingRan();
    }

    @Test
    @Order(2)
    void aRepeatedIdsConversationsAreSelectableAndErrorsAndDecisionsShowInPlace() throws Exception {
        open("/sessions/repeat");
        await("the newest conversation", d -> texts("#chat .bubble").contains("second visit answer"));
        WebElement select = driver.findElement(By.id("conversation"));
        assertEquals(2, select.findElements(By.tagName("option")).size());
        new org.openqa.selenium.support.ui.Select(select).selectByValue("1");
        await("the first conversation", d -> texts("#chat .bubble").contains("first visit answer"));
        assertTrue(driver.getCurrentUrl().endsWith("/sessions/repeat?c=1"), driver.getCurrentUrl());

        open("/sessions/support");
        await("the support conversation", d -> !d.findElements(By.cssSelector("#chat .error .error-line")).isEmpty());
        assertEquals("IllegalStateException: openai: 429 Too Many Requests", texts("#chat .error .error-line").get(0));
        assertTrue(texts("#chat .decision .rationale").get(0).contains("the user reported a hardware fault twice"));
        assertTrue(texts("#chat .meta-item.warn").get(0).contains("openai"), "the fallback is shown");
        screenshot("conversation-errors");
        nothingRan();
    }

    @Test
    @Order(3)
    void hostileTextIsShownLiterallyAndNothingItWouldDoHappens() throws Exception {
        open("/");
        await("the sessions table", d -> texts("#sessions tbody a.session-link").contains(ViewerLogs.HOSTILE_ID));
        // a real click on the link whose text is the hostile id
        new WebDriverWait(driver, DEADLINE).ignoring(StaleElementReferenceException.class).until(d -> {
            for (WebElement link : d.findElements(By.cssSelector("#sessions tbody a.session-link"))) {
                if (ViewerLogs.HOSTILE_ID.equals(link.getText()) || ViewerLogs.HOSTILE_ID.equals(
                        js("return arguments[0].textContent", link))) {
                    link.click();
                    return true;
                }
            }
            return false;
        });
        await("the hostile conversation", d -> d.findElements(By.cssSelector("#chat article.entry")).size() == 4);
        assertEquals(List.of(ViewerLogs.HOSTILE_ID), texts("h1 .session-id"));
        assertEquals(ViewerLogs.HOSTILE_CONTENT, texts("#chat .bubble").get(0));
        assertEquals(ViewerLogs.HOSTILE_CONTENT, texts("#chat .bubble").get(1), "under a hostile role");
        assertTrue(texts("#chat .role").contains(ViewerLogs.HOSTILE_ROLE.toLowerCase(java.util.Locale.ROOT)));
        assertTrue(texts("#chat .meta-item.model").contains(ViewerLogs.HOSTILE_MODEL));
        assertTrue(texts("#chat .tool-name").contains(ViewerLogs.HOSTILE_MODEL));
        assertEquals(0L, js("return document.querySelectorAll('#main img, #main script, #main iframe, #chat svg, "
                + "a[href^=\"javascript\"]').length"), "no element came from logged text");
        screenshot("hostile");
        nothingRan();

        open("/search?q=" + java.net.URLEncoder.encode("onerror", StandardCharsets.UTF_8));
        await("the hits", d -> !d.findElements(By.cssSelector("#hits .hit")).isEmpty());
        assertTrue(texts("#hits mark").stream().allMatch(m -> m.equals("onerror")), texts("#hits mark")::toString);
        nothingRan();
        open("/stats");
        await("the models table", d -> texts("#model-table .chip").contains(ViewerLogs.HOSTILE_MODEL));
        nothingRan();
        open("/live");
        await("the live view", d -> "open".equals(d.findElement(By.tagName("body")).getDomAttribute("data-live")));
        nothingRan();
    }

    @Test
    @Order(4)
    void searchHighlightsTheHitAndLinksToItsPlace() throws Exception {
        open("/");
        await("the page", d -> !d.findElements(By.cssSelector("#top .top-search input")).isEmpty());
        WebElement box = driver.findElement(By.cssSelector("#top .top-search input"));
        box.sendKeys("VISIT");
        box.submit();
        await("the hits", d -> d.findElements(By.cssSelector("#hits .hit")).size() == 4);
        assertEquals(List.of("visit", "visit", "visit", "visit"), texts("#hits mark"));
        assertEquals("second visit answer", texts("#hits .hit-text").get(0), "newest first");
        screenshot("search");
        new WebDriverWait(driver, DEADLINE).ignoring(StaleElementReferenceException.class).until(d -> {
            d.findElements(By.cssSelector("#hits a.open")).get(3).click();
            return true;
        });
        await("the hit in its conversation", d -> !d.findElements(By.cssSelector("#chat article.entry.target")).isEmpty());
        assertTrue(driver.getCurrentUrl().contains("/sessions/repeat?c=1&at=0"), driver.getCurrentUrl());
        assertEquals("first visit question", texts("#chat article.entry.target .bubble").get(0));
        nothingRan();
    }

    @Test
    @Order(5)
    void theStatisticsPageDrawsItsCharts() throws Exception {
        open("/stats");
        await("the charts", d -> !d.findElements(By.cssSelector("#latency svg path.series-line")).isEmpty()
                && !d.findElements(By.cssSelector("#tokens svg rect.bar")).isEmpty());
        assertEquals(3, driver.findElements(By.cssSelector("#latency svg path.series-line")).size(), "p50, p95, p99");
        assertFalse(driver.findElements(By.cssSelector("#errors svg circle")).isEmpty(), "the error rate");
        assertTrue(texts("#tools svg text").contains("weather_forecast"));
        assertTrue(texts("#models svg text").contains("llama3.2"));
        screenshot("stats");
        nothingRan();
    }

    @Test
    @Order(6)
    void entriesAndMasterLogLinesAppearLiveWithoutAReload() throws Exception {
        open("/sessions/live-1");
        await("the conversation", d -> texts("#chat .bubble").contains("a conversation the test keeps talking in"));
        await("the live stream", d -> "open".equals(d.findElement(By.tagName("body")).getDomAttribute("data-live")));
        js("window.__samePage = 42");
        chat("live-1", "assistant", "an answer logged while the page was open");
        await("the new entry", d -> texts("#chat .bubble").contains("an answer logged while the page was open"));
        assertEquals(42L, js("return window.__samePage"), "the page was not reloaded");
        screenshot("conversation-live");

        open("/live");
        await("the live stream", d -> "open".equals(d.findElement(By.tagName("body")).getDomAttribute("data-live")));
        js("window.__samePage = 43");
        MDC.put("session_id", "live-1");
        try {
            live.logger("event.llm").atInfo().addKeyValue("model", "live-model").addKeyValue("latency_ms", 420)
                    .log("llm:response the model answered");
        } finally {
            MDC.clear();
        }
        await("the new master-log line", d -> texts("#lines tbody td.message").stream()
                .anyMatch(m -> m.startsWith("the model answered")));
        assertEquals(43L, js("return window.__samePage"));
        assertTrue(texts("#lines tbody code").contains("llm:response"));
        screenshot("live");
        nothingRan();
    }

    @Test
    @Order(7)
    void aLongConversationComesAPageAtATime() throws Exception {
        open("/sessions/long-1");
        await("the first page", d -> d.findElements(By.cssSelector("#chat article.entry")).size() == 200);
        assertEquals("450 entries (showing 1–200)", texts("#entry-count").get(0));
        assertFalse(driver.findElement(By.id("load-earlier")).isDisplayed(), "nothing before the first entry");
        click(By.id("jump-latest"));
        // the page replaces what it shows: wait until the last page is all there is, then look at it
        await("the last page, and it alone", d -> {
            List<String> shown = texts("#chat article.entry .bubble");
            return shown.contains("long entry " + (LONG - 1)) && shown.get(0).equals("long entry 250");
        });
        assertEquals(200, texts("#chat article.entry .bubble").size());
        js("window.scrollTo(0, 0)"); // as a reader scrolls up to it (Selenium would put it under the sticky header)
        click(By.id("load-earlier"));
        await("the page before", d -> d.findElements(By.cssSelector("#chat article.entry")).size() == 400);
        assertEquals("long entry 50", texts("#chat article.entry .bubble").get(0));
        assertEquals("450 entries (showing 51–450)", texts("#entry-count").get(0));
        screenshot("conversation-long");
        nothingRan();
    }

    @Test
    @Order(8)
    void theExportButtonDownloadsTheConversation() throws Exception {
        open("/sessions/weather");
        await("the export buttons", d -> !d.findElements(By.id("export-jsonl")).isEmpty());
        click(By.id("export-jsonl"));
        Path file = downloads.resolve("chatlog-weather.jsonl");
        await("the download", d -> Files.exists(file) && !hasPartial());
        String jsonl = Files.readString(file, StandardCharsets.UTF_8);
        assertTrue(jsonl.startsWith("{\"messages\":[{\"role\":\"user\",\"content\":\"What's the weather like"), jsonl);
        assertTrue(jsonl.contains("\"name\":\"weather_forecast\""), jsonl);
        click(By.id("export-md"));
        Path md = downloads.resolve("chatlog-weather.md");
        await("the Markdown download", d -> Files.exists(md) && !hasPartial());
        assertTrue(Files.readString(md, StandardCharsets.UTF_8).contains("## Session weather"));
        nothingRan();
    }

    private static boolean hasPartial() {
        try (Stream<Path> s = Files.list(downloads)) {
            return s.anyMatch(p -> p.getFileName().toString().endsWith(".crdownload"));
        } catch (java.io.IOException e) {
            return true;
        }
    }
}
