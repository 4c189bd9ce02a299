package io.github.dysession.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OperationsTest {

  @Test
  void reports_reachTheListener_aLateListenerHearsTheStart_andAFailingOneIsDetached() {
    Operations operations = new Operations();
    List<String> heard = new ArrayList<>();
    operations.sessionCreated(); // nobody listens yet
    operations.applicationStarted("/shop");
    assertThat(operations.isListened()).isFalse();

    operations.listen(
        new OperationsListener() {
          @Override
          public void applicationStarted(String contextPath) {
            heard.add("started " + contextPath);
          }

          @Override
          public void sessionCreated() {
            heard.add("created");
          }

          @Override
          public void dynamoDbCall(
              String operation, Outcome outcome, long nanos, double capacityUnits) {
            heard.add(operation + " " + outcome);
          }

          @Override
          public void valueDropped() {
            throw new IllegalStateException("broken metrics");
          }
        });
    operations.sessionCreated();
    operations.dynamoDbCall("GetItem", OperationsListener.Outcome.OK, 1_000, 0.5);
    operations.valueDropped();
    operations.sessionCreated();

    assertThat(heard).containsExactly("started /shop", "created", "GetItem OK");
    assertThat(operations.isListened()).isFalse();
  }

  @Test
  void severalListeners_eachHearEveryReport_andOneThatFails_doesNotSilenceTheOthers() {
    Operations operations = new Operations();
    List<String> heard = new ArrayList<>();
    OperationsListener first =
        new OperationsListener() {
          @Override
          public void sessionCreated() {
            heard.add("first created");
          }

          @Override
          public void sessionExpired() {
            throw new IllegalStateException("broken metrics");
          }
        };
    OperationsListener second =
        new OperationsListener() {
          @Override
          public void sessionCreated() {
            heard.add("second created");
          }

          @Override
          public void sessionExpired() {
            heard.add("second expired");
          }
        };
    operations.listen(first);
    operations.listen(second);
    operations.listen(first); // once only

    operations.sessionCreated();
    operations.sessionExpired(); // detaches the first
    operations.sessionCreated();
    operations.stopListening(second);
    operations.sessionCreated();

    assertThat(heard)
        .containsExactly("first created", "second created", "second expired", "second created");
    assertThat(operations.isListened()).isFalse();
  }
}
