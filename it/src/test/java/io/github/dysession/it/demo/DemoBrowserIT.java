package io.github.dysession.it.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.github.dysession.it.support.Dynalite;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real browser on the demo: headless Chromium (Debian's {@code chromium}, driven through Debian's
 * {@code chromedriver}; nothing is downloaded) opens instance A's page, clicks the counter twice,
 * follows the link to instance B and sees 2 there, with the same session; the cookie it holds is
 * HttpOnly and SameSite=Lax. The demo runs as {@code mvn -B -Pdemo verify} runs it, on free ports.
 *
 * <p>Without Chromium the test fails (CI's {@code .ci/run} installs it); other locations can be
 * given with the system properties {@value #CHROMIUM_PROPERTY} and {@value #CHROMEDRIVER_PROPERTY}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DemoBrowserIT {

  static final String CHROMIUM_PROPERTY = "dysession.it.chromium";
  static final String CHROMEDRIVER_PROPERTY = "dysession.it.chromedriver";

  private static final Duration WAIT = Duration.ofSeconds(20);

  /**
   * Quiets "Unable to find CDP implementation matching N": the test uses no DevTools, so it ships
   * none. Held in a field, as JUL keeps loggers only weakly.
   */
  private static final Logger CDP_LOGGER = Logger.getLogger("org.openqa.selenium.devtools");

  static {
    CDP_LOGGER.setLevel(Level.SEVERE);
  }

  private DemoCluster demo;
  private ChromeDriverService service;
  private WebDriver driver;
  private String pageA;
  private String pageB;
  private int portA;
  private int portB;

  @BeforeAll
  void startDemoAndBrowser() throws IOException {
    Path chromium = executable(CHROMIUM_PROPERTY, "/usr/bin/chromium", "chromium");
    Path chromedriver =
        executable(CHROMEDRIVER_PROPERTY, "/usr/bin/chromedriver", "chromium-driver");

    int[] ports = twoFreePorts();
    portA = ports[0];
    portB = ports[1];
    demo = DemoCluster.start(null, portA, portB, "browser");
    pageA = DemoCluster.pageUri(portA).toString();
    pageB = DemoCluster.pageUri(portB).toString();

    Path work =
        Files.createDirectories(Dynalite.baseDir().resolve("target").resolve("demo-browser"));
    Path profile = Files.createTempDirectory(work, "chromium-profile-");
    // An explicit driver executable: Selenium Manager is never asked to find (or fetch) one.
    service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(chromedriver.toFile())
            .usingAnyFreePort()
            .withLogFile(work.resolve("chromedriver.log").toFile())
            .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--user-data-dir=" + profile,
        "--window-size=1280,1024");
    driver = new ChromeDriver(service, options);
  }

  @AfterAll
  void stopBrowserAndDemo() {
    if (driver != null) {
      driver.quit();
    }
    if (service != null) {
      service.stop();
    }
    if (demo != null) {
      demo.close();
    }
  }

  @BeforeEach
  void startWithoutCookies() {
    driver.get(pageA);
    driver.manage().deleteAllCookies();
    driver.get(pageA);
  }

  @Test
  void counterClickedTwiceOnA_showsTwoOnB_withTheSameHttpOnlyLaxCookie() {
    assertThat(text("node")).isEqualTo(DemoCluster.nodeName("A", portA));
    assertThat(text("counter")).isEqualTo("0");

    click("increment-counter");
    awaitText("counter", "1");
    click("increment-counter");
    awaitText("counter", "2");
    String sessionOnA = text("session");
    assertThat(sessionOnA).matches("#[0-9a-f]{8}.*");

    driver.findElement(By.id("other")).click();
    await(ExpectedConditions.urlToBe(pageB), "the link to B");
    awaitLoaded();
    assertThat(text("node")).isEqualTo(DemoCluster.nodeName("B", portB));
    assertThat(text("counter")).isEqualTo("2");
    assertThat(text("session")).isEqualTo(sessionOnA);

    Cookie cookie = driver.manage().getCookieNamed("DYSESSION");
    assertThat(cookie).as("the DYSESSION cookie the browser holds").isNotNull();
    assertThat(cookie.isHttpOnly()).as("HttpOnly").isTrue();
    assertThat(cookie.getSameSite()).as("SameSite").isEqualTo("Lax");
    assertThat(cookie.getPath()).isEqualTo("/demo");
    assertThat(cookie.isSecure()).isFalse();
    assertThat(cookie.getValue()).matches("[A-Za-z0-9_-]{43}");
    assertThat((String) ((JavascriptExecutor) driver).executeScript("return document.cookie"))
        .as("cookies visible to scripts")
        .doesNotContain("DYSESSION");
    assertThat(driver.getPageSource())
        .as("the page never shows the session id")
        .doesNotContain(cookie.getValue());
  }

  @Test
  void exampleStoredOnB_isShownAndEditedOnA_andLogoutEndsTheSession() {
    driver.get(pageB);
    click("store-example");
    awaitPresent(By.cssSelector("tr[data-name='planet_have_been_to']"));

    driver.get(pageA);
    assertThat(value("is_admin")).isEqualTo("true");
    assertThat(value("bottle_of_milks")).isEqualTo("20");
    assertThat(value("planet_have_been_to")).isEqualTo("[\"Earth\",\"Jupiter\",\"Saturn\"]");

    driver.findElement(By.cssSelector("tr[data-name='is_admin'] button")).click();
    await(
        ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("tr[data-name='is_admin']")),
        "is_admin removed");
    awaitLoaded();
    driver.get(pageB);
    assertThat(driver.findElements(By.cssSelector("tr[data-name='is_admin']"))).isEmpty();
    assertThat(value("bottle_of_milks")).isEqualTo("20");

    click("logout");
    awaitPresent(By.id("no-attributes"));
    assertThat(driver.manage().getCookieNamed("DYSESSION")).as("cookie after logout").isNull();
    driver.get(pageA);
    assertThat(text("session")).startsWith("none yet");
  }

  @Test
  void loginOnA_showsTheUserOnB_andLogoutOnBEndsItOnA() {
    assertThat(text("login")).startsWith("Not logged in");
    driver.findElement(By.id("account")).click();
    awaitPresent(By.id("j_username"));
    assertThat(driver.getCurrentUrl())
        .as("the login page, on A")
        .startsWith(pageA)
        .endsWith("login.html");
    driver.findElement(By.id("j_username")).sendKeys("demo");
    driver.findElement(By.id("j_password")).sendKeys("dysession");
    driver.findElement(By.id("log-in")).click();
    awaitPresent(By.id("caller"));
    assertThat(driver.getCurrentUrl()).isEqualTo(pageA + "account");
    assertThat(text("caller")).isEqualTo("demo");
    assertThat(text("node")).isEqualTo(DemoCluster.nodeName("A", portA));
    assertThat(driver.manage().getCookieNamed("JSESSIONID"))
        .as("container session cookie")
        .isNull();

    driver.findElement(By.id("other-account")).click();
    await(ExpectedConditions.urlToBe(pageB + "account"), "the account page on B");
    awaitPresent(By.id("caller"));
    assertThat(text("caller")).isEqualTo("demo");
    assertThat(text("node")).isEqualTo(DemoCluster.nodeName("B", portB));
    driver.get(pageB);
    assertThat(text("caller")).isEqualTo("demo");

    driver.get(pageB + "account");
    awaitPresent(By.id("sign-out"));
    driver.findElement(By.id("sign-out")).click();
    await(ExpectedConditions.urlToBe(pageB), "back on B's page");
    awaitLoaded();
    assertThat(text("login")).startsWith("Not logged in");
    driver.get(pageA + "account");
    awaitPresent(By.id("j_username"));
    assertThat(driver.getCurrentUrl()).as("A asks for the login again").endsWith("login.html");
  }

  private String text(String id) {
    return driver.findElement(By.id(id)).getText().strip();
  }

  private String value(String attribute) {
    return driver
        .findElement(By.cssSelector("tr[data-name='" + attribute + "'] code.value"))
        .getText()
        .strip();
  }

  private void click(String id) {
    WebElement button = driver.findElement(By.id(id));
    button.click();
  }

  /** Waits for the text after the page reloaded itself, then for the reloaded page to be ready. */
  private void awaitText(String id, String expected) {
    await(ExpectedConditions.textToBe(By.id(id), expected), "#" + id + " = " + expected);
    awaitLoaded();
  }

  private void awaitPresent(By locator) {
    await(ExpectedConditions.presenceOfElementLocated(locator), locator.toString());
    awaitLoaded();
  }

  /** A button clicked before the page's script ran would do nothing. */
  private void awaitLoaded() {
    await(
        d ->
            "complete".equals(((JavascriptExecutor) d).executeScript("return document.readyState")),
        "document.readyState = complete");
  }

  private <T> T await(ExpectedCondition<T> condition, String what) {
    try {
      return new WebDriverWait(driver, WAIT).until(condition);
    } catch (TimeoutException e) {
      String status =
          driver.findElements(By.id("status")).stream()
              .map(WebElement::getText)
              .findFirst()
              .orElse("");
      throw new AssertionError(
          "Waited "
              + WAIT.toSeconds()
              + " s for "
              + what
              + " at "
              + driver.getCurrentUrl()
              + " (status line: '"
              + status
              + "'); the page:\n"
              + driver.getPageSource(),
          e);
    }
  }

  /**
   * Returns the executable: its system property, else the Debian path; fails clearly if missing.
   */
  private static Path executable(String property, String debianPath, String debianPackage) {
    String configured = System.getProperty(property);
    Path path = Paths.get(configured == null || configured.isBlank() ? debianPath : configured);
    if (!Files.isExecutable(path)) {
      fail(
          path
              + " is missing, so the browser test cannot run. Install Chromium and its driver with"
              + " `apt-get install -y chromium chromium-driver` (Debian package "
              + debianPackage
              + "; .ci/run does this), or name other executables with -D"
              + CHROMIUM_PROPERTY
              + "=... and -D"
              + CHROMEDRIVER_PROPERTY
              + "=...");
    }
    return path;
  }

  private static int[] twoFreePorts() {
    try (ServerSocket first = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ServerSocket second = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return new int[] {first.getLocalPort(), second.getLocalPort()};
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot find free ports on 127.0.0.1", e);
    }
  }
}
