package io.github.dysession.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.dysession.it.support.Dynalite;
import io.github.dysession.it.support.DynaliteExtension;
import io.github.dysession.it.support.DynamoDbClients;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/** Sanity checks of the dynalite test support, and a record of what dynalite 4.0.0 does not do. */
@ExtendWith(DynaliteExtension.class)
class DynaliteIT {

  @Test
  void putAndGetItem(Dynalite dynalite) {
    assertThat(dynalite.isRunning()).isTrue();
    assertThat(dynalite.endpoint().toString()).isEqualTo("http://127.0.0.1:" + dynalite.port());
    try (DynamoDbClient client = DynamoDbClients.forEndpoint(dynalite.endpoint())) {
      String table = createTable(client);
      Map<String, AttributeValue> key = key("session#1", "meta");
      client.putItem(
          b -> b.tableName(table).item(with(key, "data", AttributeValue.fromS("hello"))));

      Map<String, AttributeValue> item =
          client.getItem(b -> b.tableName(table).key(key).consistentRead(true)).item();

      assertThat(item)
          .containsEntry("PK", AttributeValue.fromS("session#1"))
          .containsEntry("SK", AttributeValue.fromS("meta"))
          .containsEntry("data", AttributeValue.fromS("hello"));
    }
  }

  /**
   * dynalite 4.0.0 does not implement UpdateTimeToLive: its HTTP handler only knows a fixed list of
   * operations and answers anything else with HTTP 400 {@code {"__type":
   * "com.amazon.coral.service#UnknownOperationException"}} (no message). Observed with AWS SDK
   * 2.57.8: {@code software.amazon.awssdk.services.dynamodb.model.DynamoDbException: Service
   * returned error code UnknownOperationException (Service: DynamoDb, Status Code: 400, Request ID:
   * ...) (SDK Attempt Count: 1)}, i.e. the generic DynamoDbException (no specific subclass),
   * errorCode "UnknownOperationException", errorMessage null, not retryable.
   */
  @Test
  void updateTimeToLiveIsUnknownOperation(Dynalite dynalite) {
    try (DynamoDbClient client = DynamoDbClients.forEndpoint(dynalite.endpoint())) {
      String table = createTable(client);

      assertThatThrownBy(
              () ->
                  client.updateTimeToLive(
                      b ->
                          b.tableName(table)
                              .timeToLiveSpecification(s -> s.attributeName("TTL").enabled(true))))
          .isExactlyInstanceOf(DynamoDbException.class)
          .satisfies(
              e -> {
                DynamoDbException d = (DynamoDbException) e;
                assertThat(d.statusCode()).isEqualTo(400);
                assertThat(d.awsErrorDetails().errorCode()).isEqualTo("UnknownOperationException");
                assertThat(d.retryable()).isFalse();
              });
    }
  }

  /**
   * Two more dynalite 4.0.0 limitations: DescribeTimeToLive always answers DISABLED (it is a stub),
   * and DescribeTable's ItemCount and TableSizeBytes are set to 0 at CreateTable and never updated,
   * so they do not count items live.
   */
  @Test
  void describeTimeToLiveAndItemCountAreStubs(Dynalite dynalite) {
    try (DynamoDbClient client = DynamoDbClients.forEndpoint(dynalite.endpoint())) {
      String table = createTable(client);
      for (int i = 0; i < 3; i++) {
        client.putItem(b -> b.tableName(table).item(key("session#" + UUID.randomUUID(), "meta")));
      }
      assertThat(client.scan(b -> b.tableName(table)).count()).isEqualTo(3);

      TableDescription description = client.describeTable(b -> b.tableName(table)).table();
      assertThat(description.itemCount()).isZero();
      assertThat(description.tableSizeBytes()).isZero();

      assertThat(
              client
                  .describeTimeToLive(b -> b.tableName(table))
                  .timeToLiveDescription()
                  .timeToLiveStatus())
          .isEqualTo(TimeToLiveStatus.DISABLED);
    }
  }

  @Test
  void dataDirSurvivesKillAndRestart() {
    Path dataDir =
        Dynalite.baseDir().resolve("target").resolve("dynalite-data-" + UUID.randomUUID());
    try (Dynalite dynalite = Dynalite.start(dataDir);
        DynamoDbClient client = DynamoDbClients.forEndpoint(dynalite.endpoint())) {
      String table = createTable(client);
      Map<String, AttributeValue> key = key("session#2", "meta");
      client.putItem(
          b -> b.tableName(table).item(with(key, "data", AttributeValue.fromS("durable"))));
      int port = dynalite.port();

      dynalite.kill();
      assertThat(dynalite.isRunning()).isFalse();
      dynalite.restart();

      assertThat(dynalite.isRunning()).isTrue();
      assertThat(dynalite.port()).isEqualTo(port);
      // The same client works again: its pooled connections to the dead process are discarded.
      Map<String, AttributeValue> item =
          client.getItem(b -> b.tableName(table).key(key).consistentRead(true)).item();
      assertThat(item).containsEntry("data", AttributeValue.fromS("durable"));
    }
  }

  private static String createTable(DynamoDbClient client) {
    String table = "dynaliteit-" + UUID.randomUUID();
    client.createTable(
        b ->
            b.tableName(table)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                    AttributeDefinition.builder()
                        .attributeName("PK")
                        .attributeType(ScalarAttributeType.S)
                        .build(),
                    AttributeDefinition.builder()
                        .attributeName("SK")
                        .attributeType(ScalarAttributeType.S)
                        .build())
                .keySchema(
                    KeySchemaElement.builder().attributeName("PK").keyType(KeyType.HASH).build(),
                    KeySchemaElement.builder().attributeName("SK").keyType(KeyType.RANGE).build()));
    DynamoDbClients.awaitTableActive(client, table);
    return table;
  }

  private static Map<String, AttributeValue> key(String pk, String sk) {
    return Map.of("PK", AttributeValue.fromS(pk), "SK", AttributeValue.fromS(sk));
  }

  private static Map<String, AttributeValue> with(
      Map<String, AttributeValue> key, String name, AttributeValue value) {
    Map<String, AttributeValue> item = new HashMap<>(key);
    item.put(name, value);
    return item;
  }
}
