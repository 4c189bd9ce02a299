package io.github.dysession.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A flight recording of requests in a real Tomcat holds one {@code io.github.dysession.SessionSave}
 * event per save: the new session's, then an update's with what it set and removed.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SessionSaveEventTest {

  @RegisterExtension
  static final EmbeddedTomcat TOMCAT =
      new EmbeddedTomcat()
          .servlet("/start", (request, response) -> request.getSession().setAttribute("a", "1"))
          .servlet(
              "/change",
              (request, response) -> {
                request.getSession().setAttribute("b", "22");
                request.getSession().removeAttribute("a");
              });

  @Test
  void eachSave_isOneEvent_withItsKindResultAndChanges() throws Exception {
    Path dump = Files.createTempFile("dysession-save-", ".jfr");
    try (Recording recording = new Recording()) {
      recording.enable("io.github.dysession.SessionSave");
      recording.start();
      Browser browser = new Browser();
      browser.get(TOMCAT.uri("/start"));
      browser.get(TOMCAT.uri("/change"));
      recording.stop();
      recording.dump(dump);
      List<RecordedEvent> saves =
          RecordingFile.readAllEvents(dump).stream()
              .filter(e -> e.getEventType().getName().equals("io.github.dysession.SessionSave"))
              .sorted(java.util.Comparator.comparing(RecordedEvent::getStartTime))
              .toList();
      assertThat(saves)
          .extracting(
              e ->
                  e.getString("kind")
                      + " "
                      + e.getString("result")
                      + " set="
                      + e.getInt("attributesSet")
                      + " removed="
                      + e.getInt("attributesRemoved"))
          .containsExactly("create WRITTEN set=1 removed=0", "update WRITTEN set=1 removed=1");
      assertThat(saves.get(1).getLong("valueBytes")).isPositive();
    } finally {
      Files.deleteIfExists(dump);
    }
  }
}
