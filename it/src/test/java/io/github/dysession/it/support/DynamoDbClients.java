package io.github.dysession.it.support;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/** DynamoDB clients for tests talking to {@link Dynalite}. */
public final class DynamoDbClients {

  public static final Region REGION = Region.AP_NORTHEAST_1;
  public static final String ACCESS_KEY_ID = "dysession-test";
  public static final String SECRET_ACCESS_KEY = "dysession-test";

  private DynamoDbClients() {}

  /**
   * A synchronous client (Apache HttpClient 5) for {@code endpoint}, region ap-northeast-1, static
   * dummy credentials and an API call timeout of 5 s. The caller closes it.
   */
  public static DynamoDbClient forEndpoint(URI endpoint) {
    return DynamoDbClient.builder()
        .httpClientBuilder(Apache5HttpClient.builder())
        .region(REGION)
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY)))
        .endpointOverride(endpoint)
        .overrideConfiguration(c -> c.apiCallTimeout(Duration.ofSeconds(5)))
        .build();
  }

  /**
   * Waits until {@code tableName} is ACTIVE, polling every 20 ms for up to 10 s. (The SDK waiter
   * polls every 20 s; dynalite started with {@code --createTableMs 0} is ACTIVE almost at once.)
   */
  public static void awaitTableActive(DynamoDbClient client, String tableName) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    TableStatus status = null;
    while (System.nanoTime() - deadline < 0) {
      status =
          client
              .describeTable(DescribeTableRequest.builder().tableName(tableName).build())
              .table()
              .tableStatus();
      if (status == TableStatus.ACTIVE) {
        return;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for table " + tableName, e);
      }
    }
    throw new IllegalStateException(
        "Table " + tableName + " is not ACTIVE after 10 s (status " + status + ")");
  }
}
